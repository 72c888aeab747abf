/**
 * The notebook cell executor that runs `%%worker` cells in browser workers
 * and hands every other cell to JupyterLab's own `runCell`.
 */
import type { Cell, CodeCell, ICodeCellModel } from '@jupyterlab/cells';
import type { INotebookCellExecutor } from '@jupyterlab/notebook';
import { PathExt } from '@jupyterlab/coreutils';
import { KernelMessage } from '@jupyterlab/services';

import type { WorkerManager } from './manager';
import type { ICellOptions, WorkerCell } from './options';
import {
  MagicUsageError,
  USAGE,
  matchWorkerCell,
  parseCellLine,
  parseLineCommand,
} from './options';
import { codeEnds, codeStarts } from '../kernel/spare';
import { OutputSink } from './outputs';
import { CellQueue } from './queue';
import { CellStdin } from './stdin';
import type { ICodeRunner } from './runner';
import { KernelRunner } from './runner';
import { TransferError, readVariable, writeVariable } from './transfer';
import { CellInterruptedError, WorkerStoppedError } from './named';
import type { NamedWorker } from './named';
import { startedWorkers } from '../spawn/registry';

type RunCell = INotebookCellExecutor['runCell'];
type Options = INotebookCellExecutor.IRunCellOptions;

/** A failure already explained in the cell's outputs. */
class CellFailed extends Error {}

/**
 * Runs `%%worker` / `%worker` cells in browser workers, in notebook order,
 * and delegates all other cells to `fallback` (JupyterLab's `runCell`), so
 * that kernel cells behave exactly as without this extension.
 */
export class WorkerCellExecutor implements INotebookCellExecutor {
  constructor(
    private readonly _manager: WorkerManager,
    private readonly _fallback: RunCell,
  ) {}

  /** Run one cell (JupyterLab calls this for each cell of a run, in order). */
  runCell(options: Options): Promise<boolean> {
    const { cell, notebook } = options;
    const queue = this._queue(options);
    const match =
      cell.model.type === 'code' ? matchWorkerCell(cell.model.sharedModel.getSource()) : null;
    if (!match) {
      if (!queue.busy) {
        return queue.direct(this._fallback(options));
      }
      return queue.chain(() => this._fallback(options), true);
    }
    // a malformed line is reported when the cell runs (in order)
    let background = false;
    try {
      background = match.kind === 'cell' && parseCellLine(match.line).background;
    } catch {
      background = false;
    }
    const model = cell.model as ICodeCellModel;
    model.executionState = 'running';
    let ran = false;
    const run = queue.chain(() => {
      ran = true;
      return this._run(options, match, notebook);
    }, !background);
    return run.finally(() => {
      if (!ran && !cell.isDisposed) {
        model.executionState = 'idle'; // skipped: a cell before it failed
      }
    });
  }

  private async _run(options: Options, match: WorkerCell, notebook: object): Promise<boolean> {
    const { cell, onCellExecuted, onCellExecutionScheduled, sessionContext } = options;
    const model = cell.model as ICodeCellModel;
    model.sharedModel.transact(() => model.clearExecution(), false);
    model.executionState = 'running';
    model.trusted = true;
    onCellExecutionScheduled({ cell });
    const sink = new OutputSink(model.outputs);
    let ok = false;
    codeStarts(); // (no warm spare starts meanwhile)
    try {
      if (match.kind === 'line') {
        ok = this._lineCommand(match.line, notebook, sink);
      } else {
        const cellOptions = parseCellLine(match.line);
        if (cellOptions.help) {
          sink.print(`${USAGE}\n`);
          ok = true;
        } else {
          const kernel = sessionContext?.session?.kernel;
          ok = await this._runInWorker(
            cell,
            match.code,
            cellOptions,
            { notebook, location: PathExt.dirname(sessionContext?.path ?? '') },
            sink,
            kernel ? new KernelRunner(kernel) : null,
          );
        }
      }
    } catch (error) {
      if (error instanceof MagicUsageError) {
        sink.error('UsageError', error.message, [`UsageError: ${error.message}`, '', USAGE]);
      } else if (error instanceof TransferError) {
        sink.error(error.ename, error.message);
      } else if (error instanceof WorkerStoppedError) {
        sink.error('WorkerStopped', error.message);
      } else if (error instanceof CellInterruptedError) {
        sink.error('KeyboardInterrupt', error.message);
      } else if (!(error instanceof CellFailed)) {
        const message = error instanceof Error ? error.message : String(error);
        sink.error('WorkerError', message);
      }
      ok = false;
    } finally {
      codeEnds();
    }
    if (!cell.isDisposed) {
      model.executionState = 'idle';
    }
    onCellExecuted({ cell, success: ok });
    return ok;
  }

  private async _runInWorker(
    cell: Cell,
    code: string,
    options: ICellOptions,
    where: { notebook: object; location: string },
    sink: OutputSink,
    kernel: ICodeRunner | null,
  ): Promise<boolean> {
    const model = cell.model as ICodeCellModel;
    const needKernel = (): ICodeRunner => {
      if (!kernel) {
        throw new TransferError('--in/--out need a running kernel in this notebook', 'NoKernel');
      }
      return kernel;
    };
    if (options.inputs.length || options.outputs.length) {
      needKernel();
    }
    const worker = this._manager.get(where.notebook, options.name, where.location, options.fresh);
    worker.rendermime = (cell as CodeCell).outputArea.rendermime;
    if (options.packages.length) {
      await this._install(worker, options.packages, sink);
    }
    for (const name of options.inputs) {
      await writeVariable(worker, name, await readVariable(needKernel(), name, '--in'), '--in');
    }
    let timedOut = false;
    const timer =
      options.timeout === null
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            void worker.interrupt();
          }, options.timeout * 1000);
    const stdin = new CellStdin(cell, (answer) => void worker.answerInput(answer));
    let reply: KernelMessage.IExecuteReplyMsg['content'];
    try {
      reply = await worker.execute(code, (msg) => {
        if (KernelMessage.isInputRequestMsg(msg)) {
          stdin.ask(msg);
        } else {
          sink.handle(msg);
        }
      });
    } finally {
      clearTimeout(timer);
      stdin.dispose();
    }
    model.executionCount = reply.execution_count;
    if (timedOut) {
      sink.print(`--timeout: interrupted after ${options.timeout} s\n`, 'stderr');
    }
    if (reply.status !== 'ok') {
      return false;
    }
    for (const name of options.outputs) {
      await writeVariable(needKernel(), name, await readVariable(worker, name, '--out'), '--out');
    }
    return true;
  }

  private async _install(worker: NamedWorker, packages: string[], sink: OutputSink): Promise<void> {
    const code = `import piplite\nawait piplite.install(${JSON.stringify(packages)})`;
    let failed = false;
    const reply = await worker.runSilently(code, (msg) => {
      if (msg.header.msg_type === 'error') {
        failed = true;
        sink.handle(msg);
      }
    });
    if (failed || reply.status !== 'ok') {
      throw new CellFailed();
    }
  }

  private _lineCommand(line: string, notebook: object, sink: OutputSink): boolean {
    const command = parseLineCommand(line);
    if (command.action === 'help') {
      sink.print(`${USAGE}\n`);
    } else if (command.action === 'list') {
      const row = (w: NamedWorker, from: string): string =>
        `${w.name.padEnd(16)} ${w.state.padEnd(9)} ${String(w.cellsRun).padEnd(5)} ${from}`.trimEnd();
      const rows = this._manager.list(notebook).map((w) => row(w, ''));
      for (const started of startedWorkers) {
        rows.push(...started.list().map((w) => row(w, `started by ${started.owner}`)));
      }
      sink.print(
        rows.length
          ? `${'worker'.padEnd(16)} ${'state'.padEnd(9)} cells\n${rows.join('\n')}\n`
          : 'no workers\n',
      );
    } else if (this._manager.stop(notebook, command.name)) {
      sink.print(`stopped worker '${command.name}'\n`);
    } else {
      sink.error('WorkerNotFound', `no worker '${command.name}' runs in this notebook`);
      return false;
    }
    return true;
  }

  private _queue(options: Options): CellQueue {
    const notebook = options.notebook;
    let queue = this._queues.get(notebook);
    if (!queue) {
      queue = new CellQueue();
      this._queues.set(notebook, queue);
      options.sessionContext?.disposed.connect(() => {
        this._manager.stopAll(notebook, 'stopped: its notebook closed');
      });
      // a kernel restart (from any button, menu or command) also stops the
      // workers that run a cell now
      options.sessionContext?.statusChanged.connect((_, status) => {
        if (status === 'restarting') {
          this._manager.stopBusy(notebook, 'stopped: the kernel restarted');
        }
      });
    }
    return queue;
  }

  private _queues = new WeakMap<object, CellQueue>();
}
