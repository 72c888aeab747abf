/**
 * A page that opens a notebook of the worker kernel starts its worker before
 * the notebook asks for a kernel, as a warm spare the kernel then takes
 * (`spare.ts`): Pyodide's and IPython's start overlaps JupyterLab's.
 *
 * On an isolated page it starts when this extension's code loads, 0.4 s
 * before JupyterLab activates its plugins (`startAtLoad`): all it needs is in
 * the page's config then, and the worker's drive, served over its channel,
 * waits for the contents manager. Otherwise (the drive goes through
 * JupyterLite's service worker) and for a notebook only the browser holds, it
 * starts when the kernel plugin activates (`startAtActivation`).
 */
import type { Contents } from '@jupyterlab/services';
import type { IKernel } from '@jupyterlite/services';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { PromiseDelegate } from '@lumino/coreutils';

import { KERNEL_NAME } from '../tokens';
import type { IWorkerKernelOptions } from './kernel';
import { readKernelSettings } from './settings';

/** What the page gives a new worker kernel besides the kernel's own options. */
export type IKernelOptions = Omit<IWorkerKernelOptions, keyof IKernel.IOptions>;

/** The page's contents manager, once the kernel plugin has it. */
const contents = new PromiseDelegate<Contents.IManager>();

/** Whether a worker was started at load (the start at activation is then not needed). */
let startedAtLoad: Promise<boolean> = Promise.resolve(false);

/** Give the worker started at load (if any) the page's contents manager. */
export function provideContents(manager: Contents.IManager): void {
  contents.resolve(manager);
}

/** The notebook the page's URL opens, if it opens one. */
function notebookPath(): string | null {
  const path = new URLSearchParams(window.location.search).get('path');
  return path?.endsWith('.ipynb') ? path : null;
}

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
 * Whether the notebook at `path` is one of the worker kernel: read from the
 * site, or, for one only in the browser's storage (made there), through the
 * contents manager.
 */
async function opensWorkerNotebook(path: string, manager: Contents.IManager): Promise<boolean> {
  const served = await servedKernel(path);
  if (served !== null) {
    return served === KERNEL_NAME;
  }
  try {
    // (a notebook written as a file, by code, is stored as text)
    const model = await manager.get(path, { content: true, format: 'json' });
    const content = (
      typeof model.content === 'string' ? JSON.parse(model.content) : model.content
    ) as INotebookKernel | null;
    return content?.metadata?.kernelspec?.name === KERNEL_NAME;
  } catch {
    return false; // (the notebook will say what is wrong with it)
  }
}

/**
 * Start the worker of a kernel with `options` ahead, as a spare
 * (`WorkerKernel.startWorkerEarly`); `when` names the moment in a mark.
 */
async function startSpare(options: IKernelOptions, when: 'load' | 'activation'): Promise<void> {
  const loaded = await import('./kernel').catch(() => null);
  if (!loaded) {
    return; // (the kernel's own start fails the same way, and says so)
  }
  performance.mark(`jupyter-worker: notebook's worker started at ${when}`);
  loaded.WorkerKernel.startWorkerEarly({
    ...options,
    id: '',
    name: KERNEL_NAME,
    location: '',
    sendMessage: (): void => undefined,
  });
}

/**
 * Start the notebook's worker now, when this extension's code loads, if the
 * page is isolated and its URL opens a notebook of the worker kernel that the
 * site serves. The settings are the site's (the user's load later: a kernel
 * whose settings differ does not take this worker, and starts its own).
 */
export function startAtLoad(): void {
  const path = notebookPath();
  if (!path || !crossOriginIsolated) {
    return;
  }
  let settings: ReturnType<typeof readKernelSettings>;
  try {
    settings = readKernelSettings();
  } catch {
    return; // not a JupyterLite site built with jupyter-worker (JupyterLab)
  }
  if (!settings.warmSpare) {
    return;
  }
  // (the kernel's module loads while the notebook is read)
  import('./kernel').catch(() => undefined);
  startedAtLoad = servedKernel(path).then((kernel) => {
    if (kernel !== KERNEL_NAME) {
      return false;
    }
    const contentsManager = waitingContents();
    void startSpare({ ...settings, mountDrive: true, contentsManager }, 'load');
    return true;
  });
}

/**
 * Start the notebook's worker when the kernel plugin activates (with the
 * kernel's options, `options`), unless it started at load: a page that is not
 * isolated, or a notebook only the browser holds.
 */
export function startAtActivation(
  manager: Contents.IManager,
  options: () => Promise<IKernelOptions>,
): void {
  const path = notebookPath();
  if (!path) {
    return;
  }
  import('./kernel').catch(() => undefined); // (fetched while the notebook is read)
  void startedAtLoad.then(async (started) => {
    if (!started && (await opensWorkerNotebook(path, manager))) {
      await startSpare(await options(), 'activation');
    }
  });
}

/**
 * A contents manager that passes each call on to the page's once the kernel
 * plugin has it: the worker's drive (`DriveContentsProcessor`) only calls its
 * methods, and not before the kernel's start has mounted the drive.
 */
function waitingContents(): Contents.IManager {
  return new Proxy({} as Contents.IManager, {
    get: (_target, key) => {
      if (key === 'then') {
        return undefined; // (not a promise)
      }
      return async (...args: unknown[]): Promise<unknown> => {
        const manager = (await contents.promise) as unknown as Record<
          PropertyKey,
          (...given: unknown[]) => unknown
        >;
        return manager[key](...args);
      };
    },
  });
}
