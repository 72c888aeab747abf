/**
 * The extension's names, the page services a worker channel uses, and the
 * kernel's settings. What crosses between the page, the worker and worker
 * Python is in `protocol.ts`.
 */
import type { IInputRequest, NotifyMode } from './protocol';

/** The kernelspec name of the JupyterLite worker kernel. */
export const KERNEL_NAME = 'python-worker';

/** The name shown in the launcher. */
export const KERNEL_DISPLAY_NAME = 'Python (worker)';

/** The prefix of every plugin id of this extension. */
export const EXTENSION_ID = 'jupyter-worker';

/**
 * The `litePluginSettings` key of the upstream Pyodide kernel. The worker
 * kernel reads the same settings, so both kernels of a site share one Pyodide.
 */
export const PYODIDE_KERNEL_PLUGIN_ID = '@jupyterlite/pyodide-kernel-extension:kernel';

/** What the page serves a worker besides its heap (see `PageChannel`). */
export interface IPageServices {
  /** Serve a JupyterLite drive request of the worker's `/drive` mount (plain JSON). */
  drive?(request: unknown): Promise<unknown>;
  /** Ask the notebook for a line of input (`input()` / `getpass()`); resolves with it. */
  input?(request: IInputRequest): Promise<string>;
  /**
   * Clean the HTML snapshot of a displayed element (no scripts, no handlers);
   * without it no snapshot is saved.
   */
  sanitize?(html: string): string;
  /**
   * Serve a `workers` request: start, drive or stop a worker that worker
   * Python starts (`jupyter_worker.Worker`); answers JSON text.
   */
  workers?(request: unknown): { promise: Promise<string>; cancel: () => void };
}

/** The worker kernel's own settings (`litePluginSettings["jupyter-worker:kernel"]`). */
export interface IWorkerSettings {
  /**
   * How the page learns that worker Python wrote a request: parked on
   * `Atomics.waitAsync` (default) or from a port message.
   */
  notifyMode: NotifyMode;
  /** Seconds the page waits for a Python callback's result before rejecting. */
  callbackTimeout: number;
  /**
   * Keep one kernel worker started ahead, once the kernels are idle, for the
   * next restart, notebook or worker (`kernel/spare.ts`).
   */
  warmSpare: boolean;
  /**
   * Keep a memory snapshot of a started kernel in the browser's Cache Storage
   * (made in the background while the kernels are idle) and start later kernels
   * from it (`worker/snapshot.ts`).
   */
  snapshot: boolean;
}

/**
 * Where the Jupyter server extension serves the offline Pyodide for `%%worker`
 * in JupyterLab, below the base URL (`jupyter_worker/constants.py`
 * `LAB_PYODIDE_PATH`).
 */
export const LAB_PYODIDE_PATH = 'static/jupyter_worker/';

/**
 * The JupyterLab page-config key under which the server extension gives
 * `%%worker` cells its package settings (`jupyter_worker/constants.py`).
 */
export const LAB_PAGE_CONFIG_KEY = 'jupyterWorker';
