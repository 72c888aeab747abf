/**
 * A started kernel worker: the web worker, its comlink remote and (on an
 * isolated page) its channel, starting Pyodide and IPython. A kernel starts
 * one for itself, or takes a spare started earlier (`spare.ts`) and binds it.
 */
import { Sanitizer } from '@jupyterlab/apputils';
import type { Contents } from '@jupyterlab/services';
import type { Remote } from 'comlink';
import { transfer, wrap } from 'comlink';

import type { IPyodideWorkerKernel } from '@jupyterlite/pyodide-kernel/lib/tokens';
import type { TDriveMethod, TDriveRequest } from '@jupyterlite/services';
import { DriveContentsProcessor } from '@jupyterlite/services';

import { createChannelBuffers } from '../channel/buffers';
import { PageChannel } from '../channel/page';
import type { IInputRequest, NotifyMode, StartKind, WorkerEnvelope } from '../protocol';
import { compiledFor, keepCompiled, keepStartTree, startTreeFor } from './kept';

/** What the page calls of our remote kernel besides upstream's (`worker/remote.ts`). */
export interface IRemoteExtras {
  /** The worker's end of asynchronous requests. */
  settleAsync(id: number, ok: boolean, text: string): void;
  /** A call of the worker that started this one, not as a cell: its answer, JSON text. */
  serveCall(name: string, payload: string, setup: string): Promise<string>;
  /** Become the kernel of the notebook at `location` (a spare's start had none). */
  adopt(location: string): Promise<void>;
  /** How the worker started (once started). */
  startKind(): StartKind;
}

/** The remote kernel: upstream's methods and ours. */
export type RemoteKernel = Remote<IPyodideWorkerKernel & IRemoteExtras>;

/** The kernel a started worker serves. */
export interface IKernelWorkerOwner {
  /** A message of the worker (kernel messages, logs, progress, fatal errors, requests). */
  message(data: WorkerEnvelope): void;
  /** The worker thread failed to load or threw outside Python. */
  error(message: string): void;
  /** The worker thread is gone (its lifeline lock was released). */
  gone(): void;
  /** Ask the notebook for a line of input for `input()`. */
  input(request: IInputRequest): Promise<string>;
  /** Serve a `workers` request of the worker's Python. */
  workers(request: unknown): { promise: Promise<string>; cancel: () => void };
}

/** How to start a kernel worker. */
export interface IKernelWorkerOptions {
  /** What `initialize` of the remote kernel takes (without the channel). */
  remoteOptions: Record<string, unknown>;
  notifyMode: NotifyMode;
  callbackTimeout: number;
  /** The contents the worker's `/drive` serves over the channel. */
  contentsManager: Contents.IManager;
}

/** Cleans the snapshots of displayed elements, as JupyterLab's outputs are cleaned. */
const sanitizer = new Sanitizer();

/**
 * How long a worker whose Pyodide failed may run on, at most, to report its
 * error (console, DevTools) before it is terminated.
 */
export const CRASH_REPORT_MS = 1000;

/**
 * A kernel worker, started: Pyodide and IPython load in it from construction.
 * What it reports before a kernel binds it is kept and handed over then.
 */
export class KernelWorker {
  /**
   * @param options - how to start it.
   * @param spare - whether it starts for a kernel not made yet (`spare.ts`).
   */
  constructor(
    options: IKernelWorkerOptions,
    readonly spare: boolean,
  ) {
    const indexUrl = String(options.remoteOptions.indexUrl);
    const createModuleWorker = (url: URL): Worker => new Worker(url, { type: 'module' });
    this.worker = createModuleWorker(new URL('../worker/pyodide.worker.js', import.meta.url));
    this.worker.addEventListener('message', (event: MessageEvent<WorkerEnvelope | undefined>) => {
      const data = event.data;
      if (!data) {
        return;
      }
      if ('_jwCompiled' in data) {
        keepCompiled(indexUrl, data._jwCompiled);
        return;
      }
      if ('_jwStartTree' in data) {
        keepStartTree(indexUrl, data._jwStartTree);
        return;
      }
      if ('_jwLifeline' in data) {
        this._watchLifeline(data._jwLifeline);
      } else if ('_jwFatal' in data) {
        this._failed = true;
        this._fatalUnreported = true;
      } else if ('_jwFatalReported' in data) {
        this._fatalUnreported = false;
        this._reported?.();
        return;
      }
      this._deliver(data);
    });
    this.worker.addEventListener('error', (event: ErrorEvent) => {
      this._failed = true;
      const message = `The kernel worker failed: ${event.message || 'unknown error'}`;
      if (this._owner && this._replayed) {
        this._owner.error(message);
      } else {
        this._errors.push(message);
      }
    });
    // upstream's kernel terminates the worker it was given: through `terminate` below
    this.worker.terminate = (): void => this.terminate();
    this.remote = wrap(this.worker) as RemoteKernel;
    const remoteOptions: Record<string, unknown> = {
      ...options.remoteOptions,
      compiledWasm: compiledFor(indexUrl),
      startTree: startTreeFor(indexUrl),
    };
    const transfers: Transferable[] = [];
    if (crossOriginIsolated) {
      // The worker's /drive goes over the channel too: no service worker needed.
      const drive = new DriveContentsProcessor({ contentsManager: options.contentsManager });
      const server = new PageChannel(
        createChannelBuffers(),
        options.notifyMode,
        options.callbackTimeout,
        {
          drive: (request) => drive.processDriveRequest(request as TDriveRequest<TDriveMethod>),
          input: (request) => this._bound().input(request),
          sanitize: (html) => sanitizer.sanitize(html),
          workers: (request) => this._bound().workers(request),
        },
      );
      this.server = server;
      const channelOptions = server.workerOptions();
      remoteOptions.jupyterWorker = channelOptions;
      transfers.push(channelOptions.port);
      server.start();
    }
    this.ready = this.remote.initialize(transfer(remoteOptions, transfers) as never);
    this.ready.catch(() => {
      this._failed = true; // (the owner hears of it from its own wait)
    });
  }

  /** The web worker. */
  readonly worker: Worker;
  /** Its remote kernel. */
  readonly remote: RemoteKernel;
  /** The channel to the page (isolated pages only). */
  readonly server: PageChannel | null = null;
  /** Settles when Pyodide and IPython have started (rejects if they could not). */
  readonly ready: Promise<void>;

  /** Whether it can no longer become a working kernel (a spare that failed or died). */
  get failed(): boolean {
    return this._failed;
  }

  /**
   * Serve `owner` from now on: hand it what the worker reported so far, in a
   * task of its own (a kernel binds its worker inside its constructor).
   */
  bind(owner: IKernelWorkerOwner): void {
    this._owner = owner;
    void Promise.resolve().then(() => {
      for (const data of this._kept.splice(0)) {
        owner.message(data);
      }
      for (const message of this._errors.splice(0)) {
        owner.error(message);
      }
      this._replayed = true;
      if (this._gone) {
        owner.gone();
      }
    });
  }

  /**
   * Terminate the worker. One whose Pyodide said it failed runs on until it
   * says its error was reported (at most `CRASH_REPORT_MS`): Pyodide throws it
   * right after saying it failed, and a worker terminated then never reports it.
   */
  terminate(): void {
    const stop = (): void => Worker.prototype.terminate.call(this.worker);
    if (!this._fatalUnreported) {
      stop();
      return;
    }
    const timer = setTimeout(stop, CRASH_REPORT_MS);
    this._reported = (): void => {
      clearTimeout(timer);
      stop();
    };
  }

  /** Stop watching the worker (the worker itself is terminated by its kernel). */
  dispose(): void {
    this._lifeline.abort();
    this.server?.dispose();
  }

  private _bound(): IKernelWorkerOwner {
    if (!this._owner) {
      throw new Error('jupyter-worker: this worker belongs to no kernel yet');
    }
    return this._owner;
  }

  private _deliver(data: WorkerEnvelope): void {
    if (this._owner && this._replayed) {
      this._owner.message(data);
    } else {
      this._kept.push(data);
    }
  }

  /** Learn when the worker is gone: the page is granted its lifeline lock. */
  private _watchLifeline(name: string): void {
    const { signal } = this._lifeline;
    navigator.locks
      .request(name, { signal }, () => {
        this._gone = true;
        this._failed = true;
        if (this._replayed) {
          this._owner?.gone();
        }
      })
      .catch(() => undefined); // aborted by dispose
  }

  private _owner: IKernelWorkerOwner | null = null;
  private readonly _kept: WorkerEnvelope[] = [];
  private readonly _errors: string[] = [];
  private readonly _lifeline = new AbortController();
  private _gone = false;
  /** Whether the owner has had what came before it. */
  private _replayed = false;
  private _failed = false;
  /** Whether Pyodide said it failed and the worker has not reported its error yet. */
  private _fatalUnreported = false;
  /** Terminate now a worker `terminate` let run on to report its error. */
  private _reported: (() => void) | null = null;
}
