/**
 * The status bar item and the palette commands for the current worker kernel.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IStatusBar } from '@jupyterlab/statusbar';

import { workers } from '../kernel/workers';
import { EXTENSION_ID } from '../tokens';
import { CurrentWorker } from './current';
import { WorkerStatusItem } from './item';

/** Command ids. */
export const CommandIDs = {
  interrupt: `${EXTENSION_ID}:interrupt`,
  restart: `${EXTENSION_ID}:restart`,
};

/**
 * Show the current notebook's worker state and the page's isolation in the
 * status bar; add "Interrupt worker" / "Restart worker" to the palette.
 */
export const statusPlugin: JupyterFrontEndPlugin<void> = {
  id: `${EXTENSION_ID}:status`,
  description: 'Shows the worker kernel state and page isolation; interrupt and restart commands.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [IStatusBar, ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    statusBar: IStatusBar | null,
    palette: ICommandPalette | null,
  ): void => {
    const current = new CurrentWorker(tracker, workers);
    const category = 'Python worker';
    app.commands.addCommand(CommandIDs.interrupt, {
      label: 'Interrupt worker',
      caption: 'Stop the cell running in the worker kernel (KeyboardInterrupt)',
      isEnabled: () => current.kernel !== null,
      execute: async () => current.kernel?.interrupt(),
    });
    app.commands.addCommand(CommandIDs.restart, {
      label: 'Restart worker',
      caption: 'Start a fresh worker for this notebook: its Python state is lost',
      isEnabled: () => current.kernel !== null,
      execute: async () => current.kernel?.restart(),
    });
    current.changed.connect(() => app.commands.notifyCommandChanged());
    palette?.addItem({ command: CommandIDs.interrupt, category });
    palette?.addItem({ command: CommandIDs.restart, category });

    if (statusBar) {
      const item = new WorkerStatusItem(current, crossOriginIsolated);
      statusBar.registerStatusItem(`${EXTENSION_ID}:status`, {
        item,
        align: 'left',
        rank: 4,
        isActive: () => current.kernel !== null,
        activeStateChanged: current.changed,
      });
    }
  },
};
