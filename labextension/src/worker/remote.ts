/**
 * The kernel as it runs inside the web worker.
 */
import { PyodideRemoteKernel } from '@jupyterlite/pyodide-kernel/lib/worker';

import type { IPyodideWorkerKernel } from '@jupyterlite/pyodide-kernel/lib/tokens';

import type { IChannelOptions, IKernelMessageEnvelope, ILogMessageEnvelope } from '../tokens';
import { installBridge } from './bridge';
import { WorkerChannel } from './channel';
import { channelDriveFS } from './drive';
import { requestInputViaServiceWorker } from './stdin';

/** The kernel options, plus the page channel when the page is isolated. */
export interface IRemoteKernelOptions extends IPyodideWorkerKernel.IOptions {
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
  async initialize(options: IRemoteKernelOptions): Promise<void> {
    const channelOptions = options.jupyterWorker;
    this._channel = channelOptions ? new WorkerChannel(channelOptions) : null;
    await super.initialize(options);
    if (this._channel) {
      // real interrupts: the page writes SIGINT here (see ChannelServer.interrupt)
      this._pyodide.setInterruptBuffer(this._channel.interruptBuffer);
    }
    installBridge(this._pyodide as never, this._channel);
  }

  /**
   * Mount the JupyterLite drive at `/drive`: over the channel when the page is
   * isolated, else through JupyterLite's service worker.
   *
   * Upstream's base class reads `_browsingContextId` but never sets it (its own
   * worker entries override this method), so set it before mounting.
   */
  protected async initFilesystem(options: IPyodideWorkerKernel.IOptions): Promise<void> {
    if (!options.mountDrive) {
      return;
    }
    if (!this._channel) {
      this._browsingContextId = options.browsingContextId;
      await super.initFilesystem(options);
      return;
    }
    const mountpoint = '/drive';
    const { FS, PATH, ERRNO_CODES } = this._pyodide;
    const driveFS = channelDriveFS(
      { FS, PATH, ERRNO_CODES, baseUrl: options.baseUrl, driveName: this._driveName, mountpoint },
      this._channel,
    );
    FS.mkdirTree(mountpoint);
    FS.mount(driveFS, {}, mountpoint);
    FS.chdir(mountpoint);
    this._driveFS = driveFS;
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
