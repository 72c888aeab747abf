/**
 * The kernel's start files, fetched by the browser itself rather than through
 * JupyterLite's service worker.
 *
 * JupyterLite's worker answers every GET of the site with `fetch(request)`
 * of its own, so each byte of Pyodide's core and the kernel's wheels (~30
 * files at each start of a kernel worker) is read by the service worker's
 * JavaScript and streamed on to the kernel's worker. A restart of the worker
 * kernel waited 0.4 s for `python_stdlib.zip` that way, which the service
 * worker had in hand (`benchmarks/start_profile.py --restart`). A fetch event
 * that no listener answers goes to the network as if there were no service
 * worker, so this listener, first of all, ends the event for those files.
 *
 * Not while JupyterLite's own cache is on (`enableCache`): it keeps the
 * site's files for offline use, these included. (The static routing API,
 * `InstallEvent.addRoutes`, would spare even the event: Chromium 156 added
 * such a route but still gave the kernel worker's requests to the service
 * worker.)
 */

import type { IServiceWorkerScope } from './swscope';

/**
 * Leave the GET requests of the files below `folder` (relative to the service
 * worker's script) to the browser, unless JupyterLite's cache is on.
 * Call before JupyterLite's listener is added.
 */
export function leaveToNetwork(scope: IServiceWorkerScope, folder: string): void {
  const url = new URL(scope.location.href);
  if (url.searchParams.get('enableCache') === 'true') {
    return; // (JupyterLite reads its option from the same query)
  }
  const prefix = new URL(folder, url).href;
  scope.addEventListener('fetch', (event) => {
    const { request } = event;
    if (request.method === 'GET' && request.url.startsWith(prefix)) {
      event.stopImmediatePropagation();
    }
  });
}
