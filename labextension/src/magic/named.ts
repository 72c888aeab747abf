/**
 * One named `%%worker` worker: a WorkerKernel (the worker kernel's class,
 * used here without any kernel server) whose messages go to the cell that
 * runs there.
 */
import { KernelMessage } from '@jupyterlab/services';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { Contents } from '@jupyterlab/services';
import { PromiseDelegate } from '@lumino/coreutils';

import type { WorkerKernel } from '../kernel/kernel';
import type { ParentSync, SpawnHost } from '../spawn/requests';
import type { IMagicWorkerSettings } from './settings';
import type { ICodeRunner } from './runner';
import type { InputAnswer } from './stdin';
import { WorkerWidgets } from './widgets';

/** How many ended cells of a worker still take late output (from their callbacks). */
const LATE_CELLS = 100;

/** The messages a cell takes after it ended. */
const LATE_TYPES = new Set<string>(['stream', 'display_data', 'update_display_data', 'error']);

/** What a worker is doing, for `%worker list`. */
export type WorkerState = 'starting' | 'idle' | 'running' | 'stopped';

/** Why a cell's worker went away under it. */
export class WorkerStoppedError extends Error {
  name = 'WorkerStopped';
}

/** A cell interrupted before it started (it did not run). */
export class CellInterruptedError extends Error {
  name = 'KeyboardInterrupt';
}

/** A browser Pyodide worker that runs `%%worker` cells of one name. */
export class NamedWorker implements ICodeRunner {
  /**
   * Start a worker (Pyodide loads in the background; `execute` waits for it).
   *
   * On an isolated page its `/drive` is `contentsManager`'s contents (over
   * the channel), and its working directory `/drive/<location>` (the
   * notebook's folder); without isolation it has no drive.
   */
  constructor(
    readonly name: string,
    settings: IMagicWorkerSettings,
    contentsManager: Contents.IManager,
    location: string,
    spawnHost: SpawnHost,
    parentSync?: ParentSync,
  ) {
    this.label = `worker '${name}'`;
    this._stopped.promise.catch(() => undefined); // raced, never awaited alone
    this._kernel = import('../kernel/kernel').then(({ WorkerKernel }) => {
      const kernel = new WorkerKernel({
        id: `jupyter-worker-${name}-${crypto.randomUUID()}`,
        name,
        location,
        sendMessage: (msg) => this._route(msg),
        ...settings,
        mountDrive: crossOriginIsolated,
        contentsManager,
        parentSync,
        spawnHost,
        owner: this.label,
        logger: ({ payload }) => {
          if (payload.type === 'text' && payload.level === 'critical') {
            console.error(`%%worker ${name}: ${payload.data}`);
          }
        },
      });
      return kernel;
    });
    void this._kernel
      .then(
        (kernel) => kernel.ready,
        () => undefined,
      )
      .then(
        () => {
          if (this._state === 'starting') {
            this._state = 'idle';
          }
        },
        () => undefined,
      );
  }

  /** Who runs the code, for error messages. */
  readonly label: string;

  /** What the worker is doing. */
  get state(): WorkerState {
    return this._state;
  }

  /**
   * The rendermime of the notebook this worker runs cells of: the widgets of
   * worker Python go to its widget manager.
   */
  set rendermime(value: IRenderMimeRegistry) {
    this._widgets.rendermime = value;
  }

  /** How many cells ran here. */
  get cellsRun(): number {
    return this._cellsRun;
  }

  /** Whether a cell of this worker runs now, or waits for it to start. */
  get busy(): boolean {
    return this._pending > 0;
  }

  /**
   * Run `code` as a cell; `onMessage` gets its iopub messages. Cells of one
   * worker run one after the other.
   *
   * @throws WorkerStoppedError if the worker is stopped before the cell ends.
   */
  execute(
    code: string,
    onMessage: (msg: KernelMessage.IMessage) => void,
    silent = false,
  ): Promise<KernelMessage.IExecuteReplyMsg['content']> {
    return this._enqueue(() => this._execute(code, onMessage, silent));
  }

  /**
   * Answer a call of the worker that started this one (`jupyter_worker.Worker`),
   * after the cells queued before it, not as a cell (`WorkerKernel.serveCall`):
   * its answer, JSON text.
   *
   * @throws WorkerStoppedError if the worker is stopped before the call ends.
   */
  call(name: string, payload: string, setup: string): Promise<string> {
    return this._enqueue(() => this._run((kernel) => kernel.serveCall(name, payload, setup)));
  }

  /** Answer the running cell's `input()` / `getpass()`. */
  async answerInput(answer: InputAnswer): Promise<void> {
    const kernel = await this._kernel;
    if ('value' in answer) {
      await kernel.inputReply({ status: 'ok', value: answer.value });
    } else {
      kernel.refuseInput(`%%worker: ${answer.error}`);
    }
  }

  /** Run `code` without history; for `--in` / `--out` and `--packages`. */
  runSilently(
    code: string,
    onMessage: (msg: KernelMessage.IMessage) => void,
  ): Promise<KernelMessage.IExecuteReplyMsg['content']> {
    return this.execute(code, onMessage, true);
  }

  /**
   * Interrupt the running cell: KeyboardInterrupt in its Python when the page
   * is cross-origin isolated. Without isolation nothing can reach a busy
   * worker: it is stopped instead (returns false then).
   */
  async interrupt(): Promise<boolean> {
    if (!this._running) {
      // a cell that waits for the worker to start: it will not run
      this._cancelNext = this._pending > 0;
      return true;
    }
    if (crossOriginIsolated) {
      (await this._kernel).interruptWorker();
      return true;
    }
    this.stop('interrupted; without cross-origin isolation the worker had to be stopped');
    return false;
  }

  /** Stop the worker; a running cell ends with WorkerStoppedError. */
  stop(reason = 'stopped'): void {
    if (this._state === 'stopped') {
      return;
    }
    this._state = 'stopped';
    this._stopped.reject(new WorkerStoppedError(`${this.label} was ${reason}`));
    this._widgets.close();
    void this._kernel.then(
      (kernel) => kernel.dispose(),
      () => undefined,
    );
  }

  /** Run `job` after the cells and calls queued before it. */
  private _enqueue<T>(job: () => Promise<T>): Promise<T> {
    this._pending++;
    const run = this._queue.then(job).finally(() => {
      this._pending--;
    });
    this._queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Run `job` on the started kernel, counted as running (interrupts reach it);
   * it fails once the worker is stopped.
   */
  private async _run<T>(job: (kernel: WorkerKernel) => Promise<T>): Promise<T> {
    if (this._state === 'stopped') {
      throw new WorkerStoppedError(`${this.label} is stopped`);
    }
    const kernel = await Promise.race([this._kernel, this._stopped.promise]);
    await Promise.race([kernel.ready, this._stopped.promise]);
    if (this._cancelNext) {
      this._cancelNext = false;
      throw new CellInterruptedError(`interrupted before it started in ${this.label}`);
    }
    this._running++;
    this._state = 'running';
    try {
      return await Promise.race([job(kernel), this._stopped.promise]);
    } finally {
      this._running--;
      if (this._state === 'running' && !this._running) {
        this._state = 'idle';
      }
    }
  }

  private _execute(
    code: string,
    onMessage: (msg: KernelMessage.IMessage) => void,
    silent: boolean,
  ): Promise<KernelMessage.IExecuteReplyMsg['content']> {
    const msg = KernelMessage.createMessage({
      msgType: 'execute_request',
      channel: 'shell',
      session: this._session,
      content: {
        code,
        silent,
        store_history: !silent,
        user_expressions: {},
        allow_stdin: !silent,
        stop_on_error: false,
      },
    });
    const id = msg.header.msg_id;
    return this._run(async (kernel) => {
      const reply = new PromiseDelegate<KernelMessage.IExecuteReplyMsg['content']>();
      this._listeners.set(id, (message) => {
        if (message.header.msg_type === 'execute_reply') {
          reply.resolve(message.content as KernelMessage.IExecuteReplyMsg['content']);
        } else {
          onMessage(message);
        }
      });
      try {
        void kernel.handleMessage(msg);
        const content = await Promise.race([reply.promise, this._stopped.promise]);
        if (!silent) {
          this._cellsRun++;
        }
        return content;
      } finally {
        this._listeners.delete(id);
        if (!silent) {
          this._keepForLateOutput(id, onMessage);
        }
      }
    });
  }

  /**
   * After a cell ends, its output stays reachable: a Python callback it
   * registered (a click listener) prints there later, as in the worker kernel.
   * The last `LATE_CELLS` cells of this worker are kept.
   */
  private _keepForLateOutput(id: string, onMessage: (msg: KernelMessage.IMessage) => void): void {
    this._late.set(id, onMessage);
    if (this._late.size > LATE_CELLS) {
      this._late.delete(this._late.keys().next().value as string);
    }
  }

  /**
   * A message of the worker's kernel: to the widgets, or to the cell it
   * answers. One after the other: a widget's model exists before the output
   * that shows it.
   */
  private _route(msg: KernelMessage.IMessage): void {
    this._inbox = this._inbox.then(() => this._deliver(msg));
  }

  private async _deliver(msg: KernelMessage.IMessage): Promise<void> {
    try {
      if (await this._widgets.take(msg)) {
        return;
      }
    } catch (error) {
      console.error(`%%worker ${this.name}: a widget message failed`, error);
    }
    const parent = (msg.parent_header as Partial<KernelMessage.IHeader>).msg_id ?? '';
    // what worker Python prints while it handles a widget's change goes to
    // the cell that made the widget
    const id = this._widgets.cellOf(parent) ?? parent;
    const live = this._listeners.get(id);
    if (live) {
      live(msg);
      return;
    }
    const late = this._late.get(id);
    if (late && LATE_TYPES.has(msg.header.msg_type)) {
      try {
        late(msg);
      } catch {
        this._late.delete(id); // the cell is gone
      }
    }
  }

  /**
   * A widget's message to worker Python: over the channel to a running cell's
   * next wait, or after the cells queued before it.
   */
  private _toWorker(msg: KernelMessage.IMessage): void {
    void this._kernel.then(
      (kernel) => {
        if (this._state === 'stopped' || kernel.queueComm(msg)) {
          return;
        }
        this._queue = this._queue
          .then(() => kernel.handleMessage(msg))
          .then(
            () => undefined,
            () => undefined,
          );
      },
      () => undefined,
    );
  }

  private _kernel: Promise<WorkerKernel>;
  private _state: WorkerState = 'starting';
  private _running = 0;
  private _pending = 0;
  /** An interrupt came while no cell ran and one was pending: the next does not run. */
  private _cancelNext = false;
  private _cellsRun = 0;
  private _queue: Promise<void> = Promise.resolve();
  private _stopped = new PromiseDelegate<never>();
  private _session = crypto.randomUUID();
  private _listeners = new Map<string, (msg: KernelMessage.IMessage) => void>();
  private _late = new Map<string, (msg: KernelMessage.IMessage) => void>();
  private _inbox: Promise<void> = Promise.resolve();
  private _widgets = new WorkerWidgets((msg) => this._toWorker(msg));
}
