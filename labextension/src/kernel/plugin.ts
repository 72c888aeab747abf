/**
 * The JupyterLite plugin that registers the "Python (worker)" kernel.
 */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import type { ISessionContext } from '@jupyterlab/apputils';
import type { Contents, Kernel } from '@jupyterlab/services';
import type { ILogPayload } from '@jupyterlab/logconsole';
import { ILoggerRegistry } from '@jupyterlab/logconsole';
import { INotebookTracker } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { IServiceWorkerManager } from '@jupyterlite/apputils';
import type { IKernel } from '@jupyterlite/services';
import { IKernelClient, IKernelSpecs } from '@jupyterlite/services';

import { EXTENSION_ID, KERNEL_DISPLAY_NAME, KERNEL_NAME } from '../tokens';
import { KERNEL_ICON_URL } from './icon';
import { workers } from './workers';
import { loadSpawnHost } from '../spawn/load';
import type { IWorkerKernelOptions } from './kernel';
import {
  followUserSettings,
  readPyodideSettings,
  readWorkerSettings,
  userSettingsLoaded,
} from './settings';

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

/** What the page gives a new worker kernel besides the kernel's own options. */
type IKernelOptions = Omit<IWorkerKernelOptions, keyof IKernel.IOptions>;

/** A notebook's JSON, as far as the kernel it names. */
interface INotebookKernel {
  metadata?: { kernelspec?: { name?: string } };
}

/**
 * The kernel the notebook at `path` names as the site serves it (one request:
 * the contents manager's first answer waits for the browser's storage and the
 * folder's index, 0.6 s of a page load); null if the site has no such file.
 */
async function servedKernel(path: string): Promise<string | null> {
  try {
    const response = await fetch(URLExt.join(PageConfig.getBaseUrl(), 'files', path));
    if (!response.ok) {
      return null;
    }
    const notebook = (await response.json()) as INotebookKernel | null;
    return notebook?.metadata?.kernelspec?.name ?? '';
  } catch {
    return null;
  }
}

/**
 * Whether the notebook at `path` (the page's URL opens it) is one of the
 * worker kernel, so that its worker may start before the notebook asks for it. A notebook
 * the site serves is read from the site; one only in the browser's storage
 * (made there) through the contents manager.
 */
async function opensWorkerNotebook(path: string, contents: Contents.IManager): Promise<boolean> {
  const served = await servedKernel(path);
  if (served !== null) {
    return served === KERNEL_NAME;
  }
  try {
    // (a notebook written as a file, by code, is stored as text)
    const model = await contents.get(path, { content: true, format: 'json' });
    const content = (
      typeof model.content === 'string' ? JSON.parse(model.content) : model.content
    ) as INotebookKernel | null;
    return content?.metadata?.kernelspec?.name === KERNEL_NAME;
  } catch {
    return false; // (the notebook will say what is wrong with it)
  }
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
      const settings = readPyodideSettings();
      // Isolated, the worker reaches the drive over its channel; otherwise
      // through JupyterLite's service worker, when that is active.
      if (!crossOriginIsolated) {
        // registration may still be under way (or fail: then no drive)
        await serviceWorkerManager?.ready.catch(() => undefined);
      }
      const browsingContextId = serviceWorkerManager?.browsingContextId;
      const mountDrive =
        crossOriginIsolated || !!(serviceWorkerManager?.enabled && browsingContextId);
      return {
        ...settings,
        ...readWorkerSettings(),
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
    const path = new URLSearchParams(window.location.search).get('path');
    if (!path?.endsWith('.ipynb')) {
      return;
    }
    const kernelModule = import('./kernel'); // (fetched while the notebook is read)
    kernelModule.catch(() => undefined); // (a kernel's own start reports a failed load)
    void opensWorkerNotebook(path, contentsManager).then(async (opens) => {
      if (opens) {
        const own = await kernelOptions();
        const { WorkerKernel } = await kernelModule;
        const sendMessage = (): void => undefined;
        WorkerKernel.startWorkerEarly({
          ...own,
          id: '',
          name: KERNEL_NAME,
          location: '',
          sendMessage,
        });
      }
    });
  },
};
