/**
 * jupyter-worker's part of JupyterLite's own service worker.
 *
 * jupyter-worker's Lite build addon puts a few lines at the top of the site's
 * `service-worker.js` that set `self.jupyterWorkerServiceWorker` and load this
 * script with `importScripts`; it adds its fetch listeners before
 * JupyterLite's: the kernel's start files go to the network directly
 * (`network.ts`) and, for hosts that cannot send headers, every response gets
 * the isolation headers (`headers.ts`).
 *
 * Runs in the service worker's global scope, before JupyterLite's own code.
 */
import { addIsolationHeaders } from './headers';
import { leaveToNetwork } from './network';
import type { IServiceWorkerScope } from './swscope';

/** What the build addon sets before loading this script. */
interface IServiceWorkerConfig {
  /** The isolation headers, header name to value (`jupyter_worker/headers.py`); null: none. */
  headers: Record<string, string> | null;
  /** The folder of the kernel's start files, relative to the service worker; null: none. */
  network: string | null;
}

const scope = self as unknown as IServiceWorkerScope & {
  jupyterWorkerServiceWorker?: IServiceWorkerConfig;
};
const config = scope.jupyterWorkerServiceWorker;
if (!config) {
  throw new Error('jupyter-worker: self.jupyterWorkerServiceWorker is not set before its import');
}
if (config.network) {
  leaveToNetwork(scope, config.network);
}
if (config.headers) {
  addIsolationHeaders(scope, config.headers);
}
