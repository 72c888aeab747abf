/**
 * Cross-origin isolation added by JupyterLite's own service worker.
 *
 * For hosts that cannot send headers (GitHub Pages, `python -m http.server`):
 * a scope holds one service worker, and JupyterLite's serves the drive and
 * `input()` (`/api/drive`, `/api/stdin`), so instead of registering a second
 * one (the mini-coi idea) ours adds the isolation headers to every response
 * JupyterLite's worker gives. See jupyterlite/jupyterlite#1409.
 */
import type { IFetchEvent, IServiceWorkerScope } from './swscope';

/**
 * The response with the isolation headers added (headers the host already
 * sent win). Opaque responses cannot be read or rebuilt; they pass unchanged.
 */
function withHeaders(response: Response, isolationHeaders: Record<string, string>): Response {
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
 * Add `isolationHeaders` (header name to value, from `jupyter_worker/headers.py`)
 * to every response of the service worker of `scope`. Call before
 * JupyterLite's fetch listener is added.
 */
export function addIsolationHeaders(
  scope: IServiceWorkerScope,
  isolationHeaders: Record<string, string>,
): void {
  const credentialless = isolationHeaders['Cross-Origin-Embedder-Policy'] === 'credentialless';
  scope.addEventListener('fetch', (event) =>
    onFetch(scope, event, isolationHeaders, credentialless),
  );
}

function onFetch(
  scope: IServiceWorkerScope,
  event: IFetchEvent,
  isolationHeaders: Record<string, string>,
  credentialless: boolean,
): void {
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
  // never pages nor workers (non-GET, `/api/`, the kernel's start files of
  // `network.ts`, which an isolated worker may load: same-origin).
  const respondWith = event.respondWith.bind(event);
  Object.defineProperty(event, 'respondWith', {
    value: (response: Response | PromiseLike<Response>) =>
      respondWith(Promise.resolve(response).then((r) => withHeaders(r, isolationHeaders))),
  });
}
