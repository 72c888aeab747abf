/**
 * The JupyterLite plugin that registers the "Python (worker)" kernel.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import type { ISessionContext } from '@jupyterlab/apputils';
import type { Kernel } from '@jupyterlab/services';
import type { ILogPayload } from '@jupyterlab/logconsole';
import { ILoggerRegistry } from '@jupyterlab/logconsole';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IServiceWorkerManager } from '@jupyterlite/apputils';
import type { IKernel } from '@jupyterlite/services';
import { IKernelClient, IKernelSpecs } from '@jupyterlite/services';

import { EXTENSION_ID, KERNEL_DISPLAY_NAME, KERNEL_NAME } from '../tokens';
import type { IKernelOptions } from './early';
import { provideContents, startAtActivation } from './early';
import { KERNEL_ICON_URL } from './icon';
import { workers } from './workers';
import { loadSpawnHost } from '../spawn/load';
import { followUserSettings, readKernelSettings, userSettingsLoaded } from './settings';

/**
 * Show the worker kernels the messages a notebook sends them, as they are
 * sent (widget changes reach a running cell: `WorkerKernel.deliverEarly`).
 */
function watchSends(sessionContext: ISessionContext): void {
  const onMessage = (kernel: Kernel.IKernelConnection, args: Kernel.IAnyMessageArgs): void => {
    if (args.direction === 'send' && args.msg.channel === 'shell') {
      workers.sent(kernel.id, args.msg);
    }
  };
  const connect = (kernel: Kernel.IKernelConnection | null | undefined): void => {
    kernel?.anyMessage.connect(onMessage);
  };
  connect(sessionContext.session?.kernel);
  sessionContext.kernelChanged.connect((_, change) => {
    change.oldValue?.anyMessage.disconnect(onMessage);
    connect(change.newValue);
  });
}

/**
 * Register the `python-worker` kernel in JupyterLite.
 *
 * `IKernelSpecs` is optional so that the plugin loads quietly in JupyterLab,
 * where there are no in-browser kernels to register.
 */
export const kernelPlugin: JupyterFrontEndPlugin<void> = {
  id: `${EXTENSION_ID}:kernel`,
  description: 'Registers the Python (worker) JupyterLite kernel.',
  autoStart: true,
  optional: [
    IKernelSpecs,
    IServiceWorkerManager,
    ILoggerRegistry,
    IKernelClient,
    INotebookTracker,
    ISettingRegistry,
  ],
  activate: (
    app: JupyterFrontEnd,
    kernelspecs: IKernelSpecs | null,
    serviceWorkerManager: IServiceWorkerManager | null,
    loggerRegistry: ILoggerRegistry | null,
    kernelClient: IKernelClient | null,
    notebooks: INotebookTracker | null,
    settingRegistry: ISettingRegistry | null,
  ): void => {
    if (settingRegistry) {
      // the Settings Editor's values, for kernels and %%worker workers alike
      followUserSettings(settingRegistry, kernelPlugin.id);
    }
    if (!kernelspecs) {
      return;
    }
    if (kernelClient) {
      // The client only cancels queued cells; stop the running one too.
      const cancelQueued = kernelClient.interrupt.bind(kernelClient);
      kernelClient.interrupt = async (kernelId: string): Promise<void> => {
        const outcome = await workers.interrupt(kernelId);
        await cancelQueued(kernelId);
        if (outcome !== 'restart') {
          return;
        }
        // Restart through the notebook's own connection, as its restart button
        // does: restarted from here, the notebook would lose its connection.
        const connection = notebooks?.find(
          (panel) => panel.sessionContext.session?.kernel?.id === kernelId,
        )?.sessionContext.session?.kernel;
        if (connection) {
          void connection.restart();
        } else {
          await kernelClient.restart(kernelId);
        }
      };
    }
    const { contents: contentsManager, sessions } = app.serviceManager;
    notebooks?.widgetAdded.connect((_, panel) => watchSends(panel.sessionContext));
    notebooks?.forEach((panel) => watchSends(panel.sessionContext));

    const logger = (options: { payload: ILogPayload; kernelId: string }): void => {
      const session = [...sessions.running()].find(
        (model) => model.kernel?.id === options.kernelId,
      );
      loggerRegistry?.getLogger(session?.path ?? '').log(options.payload);
    };

    /** The options of a new worker kernel, besides the kernel's own (id, location...). */
    const kernelOptions = async (): Promise<IKernelOptions> => {
      await userSettingsLoaded();
      const settings = readKernelSettings();
      // Isolated, the worker reaches the drive over its channel; otherwise
      // through JupyterLite's service worker, when that is active.
      if (!crossOriginIsolated) {
        // registration may still be under way (or fail: then no drive)
        await serviceWorkerManager?.ready.catch(() => undefined);
      }
      // (isolated, the worker needs no service worker: the same options as a start at load)
      const browsingContextId = crossOriginIsolated
        ? undefined
        : serviceWorkerManager?.browsingContextId;
      const mountDrive =
        crossOriginIsolated || !!(serviceWorkerManager?.enabled && browsingContextId);
      return {
        ...settings,
        mountDrive,
        contentsManager,
        browsingContextId,
        logger,
        spawnHost: loadSpawnHost,
      };
    };

    kernelspecs.register({
      spec: {
        name: KERNEL_NAME,
        display_name: KERNEL_DISPLAY_NAME,
        language: 'python',
        argv: [],
        resources: { 'logo-32x32': KERNEL_ICON_URL, 'logo-64x64': KERNEL_ICON_URL },
      },
      create: async (options: IKernel.IOptions): Promise<IKernel> => {
        const own = await kernelOptions();
        const { WorkerKernel } = await import('./kernel');
        return new WorkerKernel({ ...options, ...own });
      },
    });

    // A page that opens a notebook of this kernel starts its worker at once,
    // while JupyterLab loads and opens the notebook (`warmSpare`).
    provideContents(contentsManager);
    startAtActivation(contentsManager, kernelOptions);
  },
};
