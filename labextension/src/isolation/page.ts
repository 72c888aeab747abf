/**
 * Make a JupyterLite page cross-origin isolated on a host that sends no headers.
 *
 * jupyter-worker's Lite build addon puts this classic script at the top of
 * every page of the site, before JupyterLite's loader:
 * `<script src=".../page.js" data-service-worker=".../service-worker.js?..."></script>`.
 * When the page is not `crossOriginIsolated`, it registers the site's service
 * worker (JupyterLite's own, which the addon made add the isolation headers)
 * and reloads once: the reloaded page comes through the worker, with headers.
 * Once the worker is there, later visits are isolated at once.
 */

/**
 * Set in localStorage just before the reload, cleared by an isolated page:
 * never reload twice in a row. Not sessionStorage: a page with
 * `Cross-Origin-Opener-Policy` gets its own browsing context group, and Chromium
 * gives it a copy of sessionStorage, so the isolated page could not clear it.
 */
const RELOADED_KEY = 'jupyter-worker:isolation-reload';

/** How the page can be isolated by hand, for the warnings. */
const FIX =
  'the kernel runs, but worker Python cannot reach window/document. Fix: serve the ' +
  'site with the headers Cross-Origin-Opener-Policy: same-origin and ' +
  'Cross-Origin-Embedder-Policy: credentialless (see the _headers file in the site), ' +
  'or use a browser window that allows service workers.';

function warn(message: string): void {
  console.warn(`jupyter-worker: ${message}; ${FIX}`);
}

/** Resolve once `worker` is activated (or gone). */
async function activated(worker: ServiceWorker | null): Promise<void> {
  if (!worker || worker.state === 'activated' || worker.state === 'redundant') {
    return;
  }
  await new Promise<void>((resolve) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'activated' || worker.state === 'redundant') {
        resolve();
      }
    });
  });
}

async function isolate(serviceWorkerUrl: string): Promise<void> {
  let storage: Storage;
  try {
    storage = window.localStorage;
  } catch {
    warn('no localStorage to guard the reload with: not reloading');
    return;
  }
  if (window.crossOriginIsolated) {
    storage.removeItem(RELOADED_KEY);
    return;
  }
  const container = navigator.serviceWorker;
  if (!container) {
    warn(
      'this page is not cross-origin isolated and cannot use a service worker ' +
        '(service workers need https:// or localhost, and some private windows have none)',
    );
    return;
  }
  if (storage.getItem(RELOADED_KEY)) {
    // The next visit may try once more.
    storage.removeItem(RELOADED_KEY);
    warn(
      'this page is still not cross-origin isolated after a reload through the service ' +
        'worker (a browser without Cross-Origin-Embedder-Policy: credentialless, e.g. ' +
        'Safari, needs a site built with --JupyterWorkerAddon.embedder_policy=require-corp)',
    );
    return;
  }
  const registration = await container.register(serviceWorkerUrl);
  if (container.controller) {
    // Served by a worker without the headers: one from an earlier build.
    await registration.update();
  }
  await activated(registration.installing ?? registration.waiting ?? registration.active);
  storage.setItem(RELOADED_KEY, '1');
  window.location.reload();
}

const script = document.currentScript as HTMLScriptElement | null;
const serviceWorkerUrl = script?.dataset.serviceWorker;
if (serviceWorkerUrl) {
  isolate(new URL(serviceWorkerUrl, window.location.href).href).catch((error: unknown) =>
    warn(`the isolation service worker failed (${String(error)})`),
  );
} else {
  console.warn('jupyter-worker: page.js needs a data-service-worker attribute');
}

export {};
