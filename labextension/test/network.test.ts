/**
 * The service worker leaves the kernel's start files to the browser.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { leaveToNetwork } from '../src/isolation/network';
import type { IFetchEvent, IServiceWorkerScope } from '../src/isolation/swscope';

/** A service worker scope at `url` whose fetch listeners are kept. */
function scopeAt(url: string): IServiceWorkerScope & { listeners: ((e: IFetchEvent) => void)[] } {
  const listeners: ((e: IFetchEvent) => void)[] = [];
  return {
    listeners,
    location: new URL(url) as unknown as Location,
    addEventListener: (_type, listener) => listeners.push(listener),
  };
}

/** What the listeners did with a request: stopped the event, answered it. */
function dispatch(
  scope: { listeners: ((e: IFetchEvent) => void)[] },
  url: string,
  method = 'GET',
): { stopped: boolean; answered: boolean } {
  const outcome = { stopped: false, answered: false };
  const event = {
    request: new Request(url, { method }),
    stopImmediatePropagation: () => {
      outcome.stopped = true;
    },
    respondWith: () => {
      outcome.answered = true;
    },
  } as unknown as IFetchEvent;
  for (const listener of scope.listeners) {
    listener(event);
  }
  return outcome;
}

const WORKER = 'https://site.test/lite/service-worker.js?enableCache=false';
const FOLDER = 'static/jupyter-worker/pyodide/';

test('GETs of the start files end their event unanswered: the browser fetches them', () => {
  const scope = scopeAt(WORKER);
  leaveToNetwork(scope, FOLDER);
  const base = 'https://site.test/lite/static/jupyter-worker/pyodide/';
  for (const name of ['python_stdlib.zip', 'ipython-9.12.0-py3-none-any.whl', 'x.json?v=1']) {
    assert.deepEqual(dispatch(scope, base + name), { stopped: true, answered: false });
  }
});

test("other requests go on to the next listener (JupyterLite's)", () => {
  const scope = scopeAt(WORKER);
  leaveToNetwork(scope, FOLDER);
  const others = [
    'https://site.test/lite/static/jupyter-worker/isolation/page.js',
    'https://site.test/lite/api/drive.v1',
    'https://site.test/static/jupyter-worker/pyodide/python_stdlib.zip', // (another site's root)
    'https://elsewhere.test/lite/static/jupyter-worker/pyodide/python_stdlib.zip',
  ];
  for (const url of others) {
    assert.deepEqual(dispatch(scope, url), { stopped: false, answered: false }, url);
  }
  const post = dispatch(scope, 'https://site.test/lite/static/jupyter-worker/pyodide/a', 'POST');
  assert.deepEqual(post, { stopped: false, answered: false });
});

test("with JupyterLite's cache on, nothing is left out of it", () => {
  const scope = scopeAt('https://site.test/lite/service-worker.js?enableCache=true');
  leaveToNetwork(scope, FOLDER);
  assert.equal(scope.listeners.length, 0);
});
