/**
 * The worker kernel: upstream's PyodideKernel running our worker.
 */
import { KernelMessage } from '@jupyterlab/services';
import { PromiseDelegate } from '@lumino/coreutils';

import type { IPyodideWorkerKernel } from '@jupyterlite/pyodide-kernel/lib/tokens';
import { PyodideKernel } from '@jupyterlite/pyodide-kernel/lib/kernel';

import type {
  ISpawnedWorkers,
  IWorkersAnswer,
  IWorkersRequest,
  ParentSync,
  SpawnHost,
} from '../spawn/requests';
import type { PageChannel } from '../channel/page';
import type { IWorkerSettings } from '../tokens';
import type { IIdleStarts } from './spare';
import {
  codeEnds,
  codeStarts,
  dropSpare,
  planSpare,
  snapshotUsed,
  startFirstSpare,
  takeSpare,
} from './spare';
import type { IKernelWorkerOptions, RemoteKernel } from './started';
import { KernelWorker } from './started';
import type { InterruptOutcome } from './workers';
import { workers } from './workers';
import type { IStop } from './stops';
import { RESTARTED_TO_INTERRUPT, WORKER_GONE, crashed } from './stops';
import type { IAsyncRequestEnvelope, IInputRequest, WorkerEnvelope } from '../protocol';

/**
 * The private members of PyodideKernel that `initRemote` must reach.
 *
 * Upstream's `initRemote` wires its bundled coincident when the page is
 * cross-origin isolated; that copy fails intermittently there
 * (`A(...).value.then is not a function`, 2 of 8 page loads). Our worker always
 * speaks comlink, and the synchronous channel is our own, so we wire the
 * remote ourselves and need these members to do it.
 */
interface IPyodideKernelInternals {
  _worker: Worker;
  _ready: PromiseDelegate<void>;
  _processWorkerMessage(msg: unknown): void;
  _processLogMessage(payload: unknown): void;
  _remoteKernel: unknown;
  /** BaseKernel's way out to the notebook (status messages for `deliverEarly`). */
  _sendMessage(msg: KernelMessage.IMessage): void;
}

/** What a worker kernel keeps besides upstream's state. */
interface IExtras {
  /** Its worker, started for it or a warm spare it took (`spare.ts`). */
  started: KernelWorker;
  /** The workers like its own it would start while idle; null: none. */
  spare: IIdlePlan | null;
  /** The channel to the page (isolated pages only). */
  server: PageChannel | null;
  /** Settles when the worker can run no more cells (crash, restart to interrupt). */
  stopped: PromiseDelegate<IStop>;
  /** Why, once it has. */
  stop?: IStop;
  /** The workers its Python started (`jupyter_worker.Worker`), once it starts one. */
  spawned: Promise<ISpawnedWorkers> | null;
}

/** The bytes of a message buffer in base64. */
function base64Of(buffer: ArrayBuffer | ArrayBufferView): string {
  const bytes = ArrayBuffer.isView(buffer)
    ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    : new Uint8Array(buffer);
  const chunks: string[] = [];
  for (let start = 0; start < bytes.length; start += 0x8000) {
    chunks.push(String.fromCharCode(...bytes.subarray(start, start + 0x8000)));
  }
  return btoa(chunks.join(''));
}

/** How often a pending interrupt checks whether the cell's own code runs yet. */
const INTERRUPT_POLL_MS = 20;

/** Options of the worker kernel. */
export interface IWorkerKernelOptions extends PyodideKernel.IOptions, IWorkerSettings {
  /** Package indexes for micropip (empty: PyPI); see `IPyodideSettings`. */
  pypiIndexUrls: string[];
  /** The `sync` functions of the worker that started this one from Python, if one did. */
  parentSync?: ParentSync;
  /** Who runs this kernel, as `%worker list` names the workers its Python starts. */
  owner?: string;
  /** Makes the host of the workers its Python starts (none: it starts none). */
  spawnHost?: SpawnHost;
}

/** The workers like a kernel's own the page starts while the kernels are idle (`spare.ts`). */
interface IIdlePlan {
  /** Their options' key. */
  key: string;
  /** A spare's options (a worker started for no notebook). */
  options: IKernelWorkerOptions;
  /** Whether the page keeps a spare (`warmSpare`): a kernel then takes it. */
  warm: boolean;
  /** Whether the page makes a memory snapshot of their start (`snapshot`). */
  snapshot: boolean;
}

/** How a kernel starts its worker, and the spare it can take instead. */
interface IWorkerPlan {
  /** The options of its own worker. */
  start: IKernelWorkerOptions;
  /** What the page starts while idle for workers like its own; null: nothing. */
  spare: IIdlePlan | null;
}

/**
 * Whether kernels with `options` start from (and the page makes) memory
 * snapshots: the setting, where the page has Cache Storage (secure contexts).
 */
function snapshots(options: IWorkerKernelOptions): boolean {
  return options.snapshot && isSecureContext && typeof caches !== 'undefined';
}

/**
 * How a kernel with `options` (and upstream's `remoteOptions` of them) at
 * `location` starts its worker, and which warm spare it can take instead.
 */
function workerPlan(
  options: IWorkerKernelOptions,
  remoteOptions: Record<string, unknown>,
  location: string,
): IWorkerPlan {
  const start: IKernelWorkerOptions = {
    remoteOptions: {
      ...remoteOptions,
      pypiIndexUrls: options.pypiIndexUrls,
      snapshot: snapshots(options) ? 'use' : undefined,
    },
    notifyMode: options.notifyMode,
    callbackTimeout: options.callbackTimeout,
    contentsManager: options.contentsManager,
  };
  // (a location naming another drive than the default is not a spare's)
  if (!(options.warmSpare || snapshots(options)) || location.includes(':')) {
    return { start, spare: null };
  }
  // a spare starts for no notebook: the kernel then moves to its own folder
  const spareOptions: IKernelWorkerOptions = {
    ...start,
    remoteOptions: { ...start.remoteOptions, location: '', kernelId: '' },
  };
  const key = JSON.stringify([
    spareOptions.remoteOptions,
    options.notifyMode,
    options.callbackTimeout,
  ]);
  return {
    start,
    spare: { key, options: spareOptions, warm: options.warmSpare, snapshot: snapshots(options) },
  };
}

/** What the page starts while idle for workers like one of `plan` (`spare.ts`). */
function idleStarts(plan: IIdlePlan): IIdleStarts {
  const { options } = plan;
  return {
    spare: plan.warm ? () => new KernelWorker(options, true) : null,
    snapshot: plan.snapshot
      ? () =>
          new KernelWorker(
            {
              ...options,
              remoteOptions: { ...options.remoteOptions, snapshot: 'make', mountDrive: false },
            },
            true,
          )
      : null,
  };
}

/**
 * A Pyodide kernel whose cells run in jupyter-worker's own web worker, with a
 * synchronous channel to the page when the page is cross-origin isolated.
 */
export class WorkerKernel extends PyodideKernel {
  /**
   * Start the worker of the next kernel with `options` now, as a warm spare
   * (`spare.ts`): the page is loading a notebook of this kernel, and Pyodide's
   * and IPython's start overlaps the notebook's. Nothing if `warmSpare` is off.
   */
  static startWorkerEarly(options: IWorkerKernelOptions): void {
    // upstream's remote options of a kernel at no location (those are a spare's)
    const remoteOptions = WorkerKernel.prototype.initRemoteOptions.call(
      { location: '', id: '' } as WorkerKernel,
      options,
    ) as unknown as Record<string, unknown>;
    const { spare } = workerPlan(options, remoteOptions, '');
    if (spare?.warm) {
      startFirstSpare(spare.key, () => new KernelWorker(spare.options, true));
    }
  }

  /** Upstream's constructor, typed with the options this kernel reads. */
  // eslint-disable-next-line @typescript-eslint/no-useless-constructor
  constructor(options: IWorkerKernelOptions) {
    super(options);
  }

  /**
   * Run a cell, counting it as running (interrupts only act while one runs).
   * If the worker stops for good meanwhile, the cell fails with the reason.
   */
  executeRequest(
    content: KernelMessage.IExecuteRequestMsg['content'],
  ): Promise<KernelMessage.IExecuteReplyMsg['content']> {
    return this._counted(
      () => super.executeRequest(content) as Promise<KernelMessage.IExecuteReplyMsg['content']>,
      (stop) => this._fail(stop),
    );
  }

  /**
   * Run one call of the worker that started this one (`jupyter_worker.Worker.call`)
   * in its Python, not as a cell; its answer, JSON text (`spawn/host.ts` reads
   * it). It counts as a running cell: interrupts reach it. If the worker stops
   * for good meanwhile, the answer is the reason.
   */
  serveCall(name: string, payload: string, setup: string): Promise<string> {
    const remote = (this as unknown as IPyodideKernelInternals)._remoteKernel as RemoteKernel;
    return this._counted(
      () => remote.serveCall(name, payload, setup),
      (stop) => JSON.stringify({ out: [], error: { ...stop, traceback: [] } }),
    );
  }

  /**
   * Run `job` in the worker counted as a running cell; what `failed` makes of
   * the reason instead, when the worker has stopped for good or stops meanwhile.
   */
  private async _counted<T>(job: () => Promise<T>, failed: (stop: IStop) => T): Promise<T> {
    const extras = this._extras;
    if (extras.stop) {
      return failed(extras.stop); // the worker is gone: do not ask it
    }
    this._running++;
    this._executions++;
    codeStarts();
    workers.setState(this.id, { phase: 'busy', detail: '' });
    let settled = false;
    try {
      const running = job();
      // a worker that dies mid-cell may still reject the call later: not news
      running.catch(() => undefined);
      // only while this job runs: a later stop is the next one's to report
      const stopped = extras.stopped.promise.then((stop) => (settled ? null : failed(stop)));
      return (await Promise.race([running, stopped])) as T;
    } finally {
      settled = true;
      this._running--;
      codeEnds();
      if (!this._running) {
        workers.setState(this.id, { phase: 'idle', detail: '' });
      }
    }
  }

  /**
   * Interrupt the running cell. Isolated: end its wait on the page, or raise
   * KeyboardInterrupt in its code. The latter waits until the cell's own code
   * runs (its first statement says so): raised in the kernel's machinery
   * before or after it, KeyboardInterrupt would be lost or break the reply. Not
   * isolated: fail the cell, saying why, and ask for a restart.
   */
  async interruptWorker(): Promise<InterruptOutcome> {
    const { server, stopped } = this._extras;
    if (!this._running) {
      return 'idle'; // (JupyterLite's client cancels the queued cells)
    }
    if (!server) {
      this._extras.stop = RESTARTED_TO_INTERRUPT;
      stopped.resolve(RESTARTED_TO_INTERRUPT);
      // let the failed cell's reply go out before the restart
      await stopped.promise;
      await new Promise((resolve) => setTimeout(resolve, 0));
      return 'restart';
    }
    if (server.interruptWait()) {
      return 'interrupted';
    }
    const raised = server.interruptsRaised();
    const execution = this._executions;
    const pending = (): boolean =>
      !this.isDisposed &&
      this._running > 0 &&
      this._executions === execution &&
      server.interruptsRaised() === raised;
    const deliver = (): void => {
      if (!pending()) {
        return;
      }
      if (!server.inCell()) {
        setTimeout(deliver, INTERRUPT_POLL_MS);
        return;
      }
      server.interruptPython();
    };
    deliver();
    return 'interrupted';
  }

  /**
   * The notebook answered an `input()` (the stdin box). With the channel the
   * worker waits on the page for it; a reply nobody waits for (the cell was
   * interrupted meanwhile) is dropped.
   */
  async inputReply(content: KernelMessage.IInputReplyMsg['content']): Promise<void> {
    const pending = this._input;
    this._input = null;
    pending?.resolve('value' in content ? content.value : '');
  }

  /** No line can be had for the pending `input()`: it fails with `reason`. */
  refuseInput(reason: string): void {
    const pending = this._input;
    this._input = null;
    pending?.reject(new Error(reason));
  }

  /**
   * A comm message the notebook sends this kernel (`comm_open`, `comm_msg`,
   * `comm_close`; a widget's change), seen as it is sent. JupyterLite's
   * client hands a kernel one message at a time, so it would wait for the
   * running cell to end; while a cell runs (or earlier ones still wait in the
   * channel's queue, to keep their order), it goes over the channel instead, to
   * worker Python's next wait
   * (`time.sleep`, `wait_for`, `input()`, `run_sync`), and the copy the
   * client hands over later is dropped.
   */
  deliverEarly(msg: KernelMessage.IMessage): void {
    if (this.queueComm(msg)) {
      this._early.add(msg.header.msg_id);
    }
  }

  /**
   * Hand comm message `msg` to worker Python over the channel, to the running
   * cell's next wait, if a cell runs (or earlier messages still wait in the
   * channel's queue); returns whether it did. Otherwise the caller hands it
   * over with `handleMessage`. Binary buffers (a file upload's content) travel
   * as base64.
   */
  queueComm(msg: KernelMessage.IMessage): boolean {
    const server = this._extras.server;
    const type = msg.header.msg_type;
    if (!server || (type !== 'comm_open' && type !== 'comm_msg' && type !== 'comm_close')) {
      return false;
    }
    if (!this._running && !server.hasQueuedEvents) {
      return false;
    }
    server.queueKernelMessage({
      msg_type: type,
      header: msg.header,
      parent_header: msg.parent_header,
      metadata: msg.metadata,
      content: msg.content,
      buffers: (msg.buffers ?? []).map(base64Of),
    });
    // ipywidgets sends a model's next change once the kernel is idle for the
    // last: say so now (then busy again for the running cell, in the same task)
    this._status('busy', msg.header);
    this._status('idle', msg.header);
    if (this._running && this.parent) {
      this._status('busy', this.parent.header);
    }
    return true;
  }

  /** Publish a kernel status for the message with header `parent`. */
  private _status(state: 'busy' | 'idle', parent: KernelMessage.IHeader): void {
    const internals = this as unknown as IPyodideKernelInternals;
    internals._sendMessage(
      KernelMessage.createMessage({
        msgType: 'status',
        channel: 'iopub',
        session: parent.session,
        parentHeader: parent,
        content: { execution_state: state },
      }),
    );
  }

  /** Open a comm, unless `deliverEarly` did. */
  async commOpen(msg: KernelMessage.ICommOpenMsg): Promise<void> {
    if (!this._early.delete(msg.header.msg_id)) {
      await super.commOpen(msg);
    }
  }

  /** Hand a comm message to worker Python, unless `deliverEarly` did. */
  async commMsg(msg: KernelMessage.ICommMsgMsg): Promise<void> {
    if (!this._early.delete(msg.header.msg_id)) {
      await super.commMsg(msg);
    }
  }

  /** Close a comm, unless `deliverEarly` did. */
  async commClose(msg: KernelMessage.ICommCloseMsg): Promise<void> {
    if (!this._early.delete(msg.header.msg_id)) {
      await super.commClose(msg);
    }
  }

  /** Stop the worker and drop the page objects it held. */
  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    const { started, spawned } = this._extras;
    workers.remove(this.id);
    started.dispose();
    void spawned?.then((children) => children.dispose());
    super.dispose();
  }

  /**
   * Start our worker, or take the page's warm spare when it was started with
   * this kernel's options (`spare.ts`).
   *
   * Runs inside the base constructor, before subclass fields exist: what it
   * sets up lives in `extras`.
   */
  protected initWorker(options: PyodideKernel.IOptions): Worker {
    const plan = workerPlan(
      options as IWorkerKernelOptions,
      this.initRemoteOptions(options) as unknown as Record<string, unknown>,
      this.location,
    );
    const spare = plan.spare;
    if (!spare?.warm) {
      dropSpare(); // (one started as the page loaded, before the user's settings turned spares off)
    }
    const started = (spare?.warm && takeSpare(spare.key)) || new KernelWorker(plan.start, false);
    allExtras.set(this, {
      started,
      spare,
      server: started.server,
      stopped: new PromiseDelegate<IStop>(),
      spawned: null,
    });
    return started.worker;
  }

  /**
   * Bind the worker to this kernel and wait for its start (a spare's may be
   * over already: then only the move to this kernel's folder is left).
   */
  protected initRemote(options: PyodideKernel.IOptions): IPyodideWorkerKernel {
    const internals = this as unknown as IPyodideKernelInternals;
    const extras = this._extras;
    const { started } = extras;
    const remote = started.remote;
    workers.add(
      this.id,
      () => this.interruptWorker(),
      (msg) => this.deliverEarly(msg),
    );
    started.bind({
      message: (data) => this._onWorkerMessage(options as IWorkerKernelOptions, data),
      error: (message) =>
        internals._processLogMessage({ type: 'text', level: 'critical', data: message }),
      gone: () => {
        if (!this.isDisposed) {
          this._stop(crashed(WORKER_GONE));
        }
      },
      input: (request) => this._askInput(request),
      workers: (request) => this._spawn(options as IWorkerKernelOptions, request),
    });
    const location = this.location;
    const start = started.spare ? started.ready.then(() => remote.adopt(location)) : started.ready;
    start
      .then(async () => {
        workers.setState(this.id, { phase: 'idle', detail: '' });
        internals._ready.resolve();
        if (extras.spare?.snapshot && (await remote.startKind()) === 'snapshot') {
          snapshotUsed(extras.spare.key); // (the page need not make it)
        }
        this._planSpare(); // idle: a spare may start
      })
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        internals._processLogMessage({ type: 'text', level: 'critical', data: message });
        this._stop(crashed(`it could not start: ${message}`));
        internals._ready.reject(message);
      });
    return remote as unknown as IPyodideWorkerKernel;
  }

  /** A message of the worker that is not upstream's business alone. */
  private _onWorkerMessage(options: IWorkerKernelOptions, data: WorkerEnvelope): void {
    const internals = this as unknown as IPyodideKernelInternals;
    if ('_kernelMessage' in data) {
      internals._processWorkerMessage(data._kernelMessage);
    } else if ('_logMessage' in data) {
      internals._processLogMessage(data._logMessage);
    } else if ('_jwProgress' in data) {
      const { step, steps, label } = data._jwProgress;
      workers.setState(this.id, { phase: 'loading', detail: `${label} (${step}/${steps})` });
    } else if ('_jwFatal' in data) {
      this._stop(crashed(`Pyodide failed: ${data._jwFatal}`));
    } else if ('_jwAsync' in data) {
      this._serveAsync(options, this._extras.started.remote, data._jwAsync);
    }
  }

  /** This kernel is idle (started, or its code ended): the page may start a warm spare. */
  private _planSpare(): void {
    const { spare } = this._extras;
    if (spare && !this.isDisposed) {
      planSpare(spare.key, idleStarts(spare));
    }
  }

  /** Serve a `workers` request of this kernel's Python (`spawn/host.ts`, loaded at first use). */
  private _spawn(options: IWorkerKernelOptions, request: unknown): IWorkersAnswer {
    const extras = this._extras;
    const host = options.spawnHost;
    if (!host) {
      throw new Error('jupyter-worker: this page starts no workers for this one');
    }
    extras.spawned ??= host(
      options.contentsManager,
      options.location,
      options.owner ?? 'the kernel',
      options.parentSync,
    );
    let cancel = (): void => undefined;
    let cancelled = false;
    const promise = extras.spawned.then((children) => {
      if (this.isDisposed) {
        throw new Error('jupyter-worker: the kernel was stopped');
      }
      const answer = children.handle(request as IWorkersRequest);
      cancel = answer.cancel;
      if (cancelled) {
        cancel();
      }
      return answer.promise;
    });
    return {
      promise,
      cancel: () => {
        cancelled = true;
        cancel();
      },
    };
  }

  /**
   * Serve an asynchronous request of this kernel's Python (a `workers`
   * request by message, `worker/asyncrequests.ts`); settle it in the worker.
   */
  private _serveAsync(
    options: IWorkerKernelOptions,
    remote: unknown,
    request: IAsyncRequestEnvelope['_jwAsync'],
  ): void {
    const settle = (remote as RemoteKernel).settleAsync;
    let answer: Promise<string>;
    try {
      answer = this._spawn(options, JSON.parse(request.value)).promise;
    } catch (error) {
      answer = Promise.reject(error as Error);
    }
    answer.then(
      (text) => void settle(request.id, true, text),
      (error: unknown) =>
        void settle(request.id, false, error instanceof Error ? error.message : String(error)),
    );
  }

  private get _extras(): IExtras {
    return allExtras.get(this) as IExtras;
  }

  /** Ask the notebook for a line for worker Python (over the channel). */
  private _askInput(request: IInputRequest): Promise<string> {
    this._input?.reject(new Error('jupyter-worker: a newer input() replaced this one'));
    const pending = new PromiseDelegate<string>();
    this._input = pending;
    this.inputRequest(
      { prompt: request.prompt, password: request.password },
      request.parent as unknown as KernelMessage.IHeader,
    );
    return pending.promise;
  }

  /** The worker can run no more cells: say so in the running cell and later ones. */
  private _stop(stop: IStop): void {
    this._extras.stop ??= stop;
    this._extras.stopped.resolve(stop);
    workers.setState(this.id, { phase: 'dead', detail: stop.evalue });
  }

  /** Fail the running cell with `stop`: an error output and an error reply. */
  private _fail(stop: IStop): KernelMessage.IExecuteReplyMsg['content'] {
    const traceback = [`${stop.ename}: ${stop.evalue}`];
    this.publishExecuteError({ ...stop, traceback });
    return {
      status: 'error',
      execution_count: this.executionCount,
      ...stop,
      traceback,
    } as KernelMessage.IExecuteReplyMsg['content'];
  }

  private _running = 0;
  private _executions = 0;
  private _input: PromiseDelegate<string> | null = null;
  /** Ids of comm messages delivered over the channel already. */
  private readonly _early = new Set<string>();
}

/**
 * What each kernel sets up in `initRemote`. A WeakMap, not fields: that runs
 * inside the base constructor, before subclass fields exist.
 */
const allExtras = new WeakMap<WorkerKernel, IExtras>();
