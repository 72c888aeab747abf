/**
 * The `%%worker` plugins (JupyterLab and JupyterLite): the cell executor,
 * the worker manager it shares with the commands, and interrupt routing for
 * cells that run in workers.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, showDialog } from '@jupyterlab/apputils';
import { INotebookCellExecutor, INotebookTracker, runCell } from '@jupyterlab/notebook';
import { Token } from '@lumino/coreutils';

import { EXTENSION_ID } from '../tokens';
import { WorkerCellExecutor } from './executor';
import { WorkerManager } from './manager';

/** The `%%worker` workers of every open notebook. */
const IWorkerManager = new Token<WorkerManager>(
  `${EXTENSION_ID}:IWorkerManager`,
  'The named browser workers that run %%worker cells.',
);

/** Commands after which the notebook's running worker cells are interrupted. */
const INTERRUPT_COMMANDS = new Set(['notebook:interrupt-kernel', 'kernelmenu:interrupt']);

/** Show the notebook's workers (and stop them). */
const LIST_COMMAND = `${EXTENSION_ID}:list-workers`;

/** Stop every worker of the current notebook. */
const STOP_COMMAND = `${EXTENSION_ID}:stop-workers`;

const managerPlugin: JupyterFrontEndPlugin<WorkerManager> = {
  id: `${EXTENSION_ID}:worker-manager`,
  description: 'Starts and stops the browser workers of %%worker cells.',
  autoStart: true,
  provides: IWorkerManager,
  activate: (app: JupyterFrontEnd): WorkerManager => new WorkerManager(app.serviceManager.contents),
};

/**
 * Provides the notebook cell executor: `%%worker` cells run in browser
 * workers, every other cell goes to JupyterLab's own `runCell`. The token's
 * last provider wins, and this extension loads after JupyterLab's plugin.
 */
const executorPlugin: JupyterFrontEndPlugin<INotebookCellExecutor> = {
  id: `${EXTENSION_ID}:cell-executor`,
  description: 'Runs %%worker cells in browser Pyodide workers, other cells as usual.',
  autoStart: true,
  requires: [IWorkerManager],
  provides: INotebookCellExecutor,
  activate: (_app: JupyterFrontEnd, manager: WorkerManager): INotebookCellExecutor =>
    new WorkerCellExecutor(manager, runCell),
};

/**
 * The interrupt button (and menu, and `I I`) interrupts the notebook's cells
 * that run in workers too. Listens to the commands instead of replacing
 * them, so it composes. (A kernel restart is seen by the executor.)
 */
const commandsPlugin: JupyterFrontEndPlugin<void> = {
  id: `${EXTENSION_ID}:worker-commands`,
  description: 'Interrupt, list and stop the browser workers of %%worker cells.',
  autoStart: true,
  requires: [IWorkerManager, INotebookTracker],
  optional: [ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    manager: WorkerManager,
    tracker: INotebookTracker,
    palette: ICommandPalette | null,
  ): void => {
    app.commands.commandExecuted.connect((_, { id }) => {
      const notebook = tracker.currentWidget?.content.model;
      if (!notebook) {
        return;
      }
      if (INTERRUPT_COMMANDS.has(id)) {
        manager.interrupt(notebook);
      }
    });
    const current = (): object | null => tracker.currentWidget?.content.model ?? null;
    app.commands.addCommand(LIST_COMMAND, {
      label: 'Show the Browser Workers of This Notebook',
      describedBy: { args: { type: 'object', properties: {} } },
      isEnabled: () => !!current(),
      execute: async () => {
        const notebook = current();
        const workers = notebook ? manager.list(notebook) : [];
        const body = workers.length
          ? workers.map((w) => `${w.name}: ${w.state}, ${w.cellsRun} cells`).join('\n')
          : 'No %%worker workers run for this notebook.';
        const result = await showDialog({
          title: 'Browser workers',
          body,
          buttons: workers.length
            ? [Dialog.cancelButton({ label: 'Close' }), Dialog.warnButton({ label: 'Stop all' })]
            : [Dialog.okButton({ label: 'Close' })],
        });
        if (notebook && workers.length && result.button.accept) {
          manager.stopAll(notebook, 'stopped');
        }
      },
    });
    app.commands.addCommand(STOP_COMMAND, {
      label: 'Stop the Browser Workers of This Notebook',
      describedBy: { args: { type: 'object', properties: {} } },
      isEnabled: () => !!current(),
      execute: () => {
        const notebook = current();
        if (notebook) {
          manager.stopAll(notebook, 'stopped');
        }
      },
    });
    for (const command of [LIST_COMMAND, STOP_COMMAND]) {
      palette?.addItem({ command, category: 'Notebook Operations' });
    }
  },
};

/** The plugins of `%%worker`. */
export const magicPlugins: JupyterFrontEndPlugin<unknown>[] = [
  managerPlugin,
  executorPlugin,
  commandsPlugin,
];
