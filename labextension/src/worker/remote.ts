/**
 * The kernel as it runs inside the web worker.
 */
import { PyodideRemoteKernel } from '@jupyterlite/pyodide-kernel/lib/worker';

import type { IPyodideWorkerKernel } from '@jupyterlite/pyodide-kernel/lib/tokens';

import type { IChannelOptions, IKernelMessageEnvelope, ILogMessageEnvelope } from '../tokens';
import { installBridge } from './bridge';
import type { WorkerChannel } from './channel';
import { requestInputViaServiceWorker } from './stdin';

/** The kernel options, plus the page channel when the page is isolated. */
export interface IWorkerKernelOptions extends IPyodideWorkerKernel.IOptions {
  jupyterWorker?: IChannelOptions;
}

/**
 * Upstream's remote kernel, posting its kernel and log messages to the page.
 */
export class WorkerRemoteKernel extends PyodideRemoteKernel {
  constructor() {
    super();
    this.registerWorkerMessageCallback((msg: IKernelMessageEnvelope['_kernelMessage']) => {
      postMessage({ _kernelMessage: msg } satisfies IKernelMessageEnvelope);
    });
    this.registerLogMessageCallback((msg: ILogMessageEnvelope['_logMessage']) => {
      postMessage({ _logMessage: msg } satisfies ILogMessageEnvelope);
    });
  }

  /**
   * Start Pyodide and the kernel (upstream), then connect Python to the page.
   */
  async initialize(options: IWorkerKernelOptions): Promise<void> {
    await super.initialize(options);
    this._channel = installBridge(this._pyodide as never, options.jupyterWorker);
  }

  /**
   * Mount the JupyterLite drive at `/drive` (through the service worker).
   *
   * Upstream's base class reads `_browsingContextId` but never sets it (its own
   * worker entries override this method), so set it before mounting.
   */
  protected async initFilesystem(options: IPyodideWorkerKernel.IOptions): Promise<void> {
    this._browsingContextId = options.browsingContextId;
    await super.initFilesystem(options);
  }

  /**
   * Answer `input()` / `getpass()`: ask the page and block until it replies.
   */
  protected sendInputRequest(prompt: string, password: boolean): string | undefined {
    const parent = this.formatResult(this._kernel._parent_header) as {
      header?: Record<string, unknown>;
    };
    if (!this._options) {
      throw new Error('The kernel is not initialized');
    }
    return requestInputViaServiceWorker({
      prompt,
      password,
      parentHeader: parent.header ?? {},
      baseUrl: this._options.baseUrl,
      browsingContextId: this._options.browsingContextId,
    });
  }

  protected _channel: WorkerChannel | null = null;
}
