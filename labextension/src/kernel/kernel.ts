/**
 * The worker kernel: upstream's PyodideKernel running our worker.
 */
import type { KernelMessage } from '@jupyterlab/services';
import { PromiseDelegate } from '@lumino/coreutils';
import { transfer, wrap } from 'comlink';

import type { IPyodideWorkerKernel } from '@jupyterlite/pyodide-kernel/lib/tokens';
import { PyodideKernel } from '@jupyterlite/pyodide-kernel/lib/kernel';
import type { TDriveMethod, TDriveRequest } from '@jupyterlite/services';
import { DriveContentsProcessor } from '@jupyterlite/services';

import { createChannelBuffers } from '../channel/layout';
import { ChannelServer } from '../channel/server';
import type { IInputRequest, IWorkerSettings, WorkerEnvelope } from '../tokens';
import { registerInterrupt, unregisterInterrupt } from './interrupts';

/**
 * The private members of PyodideKernel that `initRemote` must reach.
 *
 * Upstream's `initRemote` wires its bundled coincident when the page is
 * cross-origin isolated; that copy fails intermittently there
 * (`A(...).value.then is not a function`, 2 of 8 page loads). Our worker always
 * speaks comlink, and the synchronous channel is our own, so we wire the
 * remote ourselves and need these three members to do it.
 */
interface IPyodideKernelInternals {
  _worker: Worker;
  _ready: PromiseDelegate<void>;
  _processWorkerMessage(msg: unknown): void;
  _processLogMessage(payload: unknown): void;
}

/** How often a pending interrupt checks whether the cell's own code runs yet. */
const INTERRUPT_POLL_MS = 20;

/** Options of the worker kernel. */
export interface IWorkerKernelOptions extends PyodideKernel.IOptions, IWorkerSettings {}

/**
 * A Pyodide kernel whose cells run in jupyter-worker's own web worker, with a
 * synchronous channel to the page when the page is cross-origin isolated.
 */
export class WorkerKernel extends PyodideKernel {
  /**
   * Run a cell, counting it as running (interrupts only act while one runs).
   */
  async executeRequest(
    content: KernelMessage.IExecuteRequestMsg['content'],
  ): Promise<KernelMessage.IExecuteReplyMsg['content']> {
    this._running++;
    try {
      return await super.executeRequest(content);
    } finally {
      this._running--;
    }
  }

  /**
   * Interrupt the running cell: end its wait on the page, or raise
   * KeyboardInterrupt in its code. The latter waits until the cell's own code
   * runs (IPython's pre_run_cell): raised in the kernel's machinery before or
   * after it, KeyboardInterrupt would be lost or break the reply.
   */
  interruptWorker(): void {
    const server = channels.get(this);
    if (!server || !this._running || server.interruptWait()) {
      return;
    }
    const deliver = (): void => {
      if (!this._running || this.isDisposed) {
        return;
      }
      if (server.inCell()) {
        server.interruptPython();
      } else {
        setTimeout(deliver, INTERRUPT_POLL_MS);
      }
    };
    deliver();
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

  /** Stop the worker and drop the page objects it held. */
  dispose(): void {
    unregisterInterrupt(this.id);
    channels.get(this)?.dispose();
    channels.delete(this);
    super.dispose();
  }

  /**
   * Start our prebuilt module worker.
   *
   * The `createModuleWorker` indirection keeps the bundler from treating the
   * file as a worker entry (it is prebuilt by esbuild and copied as an asset).
   */
  protected initWorker(): Worker {
    const createModuleWorker = (url: URL): Worker => new Worker(url, { type: 'module' });
    return createModuleWorker(new URL('../worker/pyodide.worker.js', import.meta.url));
  }

  /**
   * Connect to the worker with comlink, isolated or not.
   */
  protected initRemote(options: PyodideKernel.IOptions): IPyodideWorkerKernel {
    const internals = this as unknown as IPyodideKernelInternals;
    const worker = internals._worker;
    worker.addEventListener('message', (event: MessageEvent<WorkerEnvelope | undefined>) => {
      const data = event.data;
      if (data && '_kernelMessage' in data) {
        internals._processWorkerMessage(data._kernelMessage);
      } else if (data && '_logMessage' in data) {
        internals._processLogMessage(data._logMessage);
      }
    });
    worker.addEventListener('error', (event: ErrorEvent) => {
      internals._processLogMessage({
        type: 'text',
        level: 'critical',
        data: `The kernel worker failed: ${event.message || 'unknown error'}`,
      });
    });
    const remote = wrap<IPyodideWorkerKernel>(worker);
    const remoteOptions: Record<string, unknown> = { ...this.initRemoteOptions(options) };
    const transfers: Transferable[] = [];
    if (crossOriginIsolated) {
      const { notifyMode, callbackTimeout } = options as IWorkerKernelOptions;
      // The worker's /drive goes over the channel too: no service worker needed.
      const drive = new DriveContentsProcessor({ contentsManager: options.contentsManager });
      const server = new ChannelServer(createChannelBuffers(), notifyMode, callbackTimeout, {
        drive: (request) => drive.processDriveRequest(request as TDriveRequest<TDriveMethod>),
        input: (request) => this._askInput(request),
      });
      channels.set(this, server);
      const channelOptions = server.workerOptions();
      remoteOptions.jupyterWorker = channelOptions;
      transfers.push(channelOptions.port);
      server.start();
      registerInterrupt(this.id, () => this.interruptWorker());
    }
    remote
      .initialize(transfer(remoteOptions, transfers) as never)
      .then(() => internals._ready.resolve())
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        internals._processLogMessage({ type: 'text', level: 'critical', data: message });
        internals._ready.reject(message);
      });
    return remote as unknown as IPyodideWorkerKernel;
  }

  private _running = 0;
  private _input: PromiseDelegate<string> | null = null;
}

/**
 * Channel servers by kernel. A WeakMap, not a field: `initRemote` runs inside
 * the base constructor, before subclass fields exist.
 */
const channels = new WeakMap<WorkerKernel, ChannelServer>();
