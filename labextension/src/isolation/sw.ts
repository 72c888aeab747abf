/**
 * Cross-origin isolation added by JupyterLite's own service worker.
 *
 * For hosts that cannot send headers (GitHub Pages, `python -m http.server`):
 * jupyter-worker's Lite build addon puts a line at the top of the site's
 * `service-worker.js` that sets `self.jupyterWorkerIsolation` and loads this
 * script with `importScripts`. A scope holds one service worker, and
 * JupyterLite's serves the drive and `input()` (`/api/drive`, `/api/stdin`),
 * so instead of registering a second one (the mini-coi idea) this script adds
 * the isolation headers to every response JupyterLite's worker gives.
 * See jupyterlite/jupyterlite#1409.
 *
 * Runs in the service worker's global scope, before JupyterLite's own code.
 */

/** What the build addon sets before loading this script. */
interface IIsolationConfig {
  /** Header name to value (from `jupyter_worker/headers.py`). */
  headers: Record<string, string>;
}

/** The part of a `FetchEvent` used here (the DOM lib has no service worker types). */
interface IFetchEvent extends Event {
  readonly request: Request;
  respondWith(response: Response | PromiseLike<Response>): void;
}

/** The part of the service worker global scope used here. */
interface IServiceWorkerScope {
  jupyterWorkerIsolation?: IIsolationConfig;
  readonly location: Location;
  addEventListener(type: 'fetch', listener: (event: IFetchEvent) => void): void;
}

const scope = self as unknown as IServiceWorkerScope;
const config = scope.jupyterWorkerIsolation;
if (!config) {
  throw new Error('jupyter-worker: self.jupyterWorkerIsolation is not set before its import');
}
const isolationHeaders = config.headers;
const credentialless = isolationHeaders['Cross-Origin-Embedder-Policy'] === 'credentialless';

/**
 * The response with the isolation headers added (headers the host already
 * sent win). Opaque responses cannot be read or rebuilt; they pass unchanged.
 */
function withIsolation(response: Response): Response {
  if (response.status === 0) {
    return response;
  }
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(isolationHeaders)) {
    if (!headers.has(name)) {
      headers.set(name, value);
    }
  }
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/**
 * Listens before JupyterLite's fetch listener (this script is imported first).
 */
function onFetch(event: IFetchEvent): void {
  const { request } = event;
  if (
    credentialless &&
    request.mode === 'no-cors' &&
    new URL(request.url).origin !== scope.location.origin
  ) {
    // A cross-origin image or embed of a `credentialless` page must be fetched
    // without credentials, or the page's CORP check rejects it; the page's own
    // request would be, but this worker's fetch would send cookies, since the
    // worker itself is not isolated. JupyterLite's worker only passes such
    // requests through, so this one answers them alone.
    event.stopImmediatePropagation();
    event.respondWith(fetch(new Request(request, { credentials: 'omit' })));
    return;
  }
  // Every response JupyterLite's listener gives (pages, scripts, workers, the
  // drive) goes out with the headers. Requests it leaves to the network are
  // never pages nor scripts (non-GET, `/api/`).
  const respondWith = event.respondWith.bind(event);
  Object.defineProperty(event, 'respondWith', {
    value: (response: Response | PromiseLike<Response>) =>
      respondWith(Promise.resolve(response).then(withIsolation)),
  });
}

scope.addEventListener('fetch', onFetch);

export {};
