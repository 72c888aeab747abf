/**
 * The `%%worker` plugins (JupyterLab and JupyterLite): the cell executor,
 * the worker manager it shares with the commands, and interrupt / restart
 * routing for cells that run in workers.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
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

/** Commands after which the notebook's busy workers are stopped (a restart). */
const RESTART_COMMANDS = new Set([
  'notebook:restart-kernel',
  'notebook:restart-run-all',
  'notebook:restart-clear-output',
  'notebook:restart-and-run-to-selected',
  'kernelmenu:restart',
  'kernelmenu:restart-and-clear',
]);

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
 * that run in workers too; a kernel restart stops its busy workers. Listens
 * to the commands instead of replacing them, so it composes.
 */
const commandsPlugin: JupyterFrontEndPlugin<void> = {
  id: `${EXTENSION_ID}:worker-commands`,
  description: 'Routes interrupt and restart to the browser workers of %%worker cells.',
  autoStart: true,
  requires: [IWorkerManager, INotebookTracker],
  activate: (app: JupyterFrontEnd, manager: WorkerManager, tracker: INotebookTracker): void => {
    app.commands.commandExecuted.connect((_, { id }) => {
      const notebook = tracker.currentWidget?.content.model;
      if (!notebook) {
        return;
      }
      if (INTERRUPT_COMMANDS.has(id)) {
        manager.interrupt(notebook);
      } else if (RESTART_COMMANDS.has(id)) {
        manager.stopBusy(notebook, 'stopped: the kernel restarted');
      }
    });
    app.commands.addCommand(`${EXTENSION_ID}:stop-workers`, {
      label: 'Stop the Browser Workers of This Notebook',
      describedBy: { args: { type: 'object', properties: {} } },
      isEnabled: () => !!tracker.currentWidget,
      execute: () => {
        const notebook = tracker.currentWidget?.content.model;
        if (notebook) {
          manager.stopAll(notebook, 'stopped');
        }
      },
    });
  },
};

/** The plugins of `%%worker`. */
export const magicPlugins: JupyterFrontEndPlugin<unknown>[] = [
  managerPlugin,
  executorPlugin,
  commandsPlugin,
];
