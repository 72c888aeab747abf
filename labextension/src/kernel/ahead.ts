/**
 * The next kernel worker's thread, made ahead: a web worker whose script has
 * loaded and run (it waits for `initialize`), so that the next kernel worker
 * (a restart before the warm spare is there, a `%%worker` of a new name or
 * `--fresh`, a spare) starts without waiting for a new thread and its script.
 * One per page, made once a kernel has started; it holds no Pyodide, only
 * the worker's script.
 */

/** The thread made ahead, and whether it failed to load its script. */
let ahead: { worker: Worker; failed: boolean } | null = null;

function createWorker(): Worker {
  // (through a function: the bundler must not take `new Worker(new URL(...))`
  // for a worker of its own to bundle; the worker's script is built apart)
  const createModuleWorker = (url: URL): Worker => new Worker(url, { type: 'module' });
  return createModuleWorker(new URL('../worker/pyodide.worker.js', import.meta.url));
}

/** A kernel worker's thread: the one made ahead if there is one, else a new one. */
export function takeWorker(): Worker {
  const made = ahead;
  ahead = null;
  if (made && !made.failed) {
    console.info('jupyter-worker: a kernel worker starts in a thread made ahead');
    return made.worker;
  }
  made?.worker.terminate();
  return createWorker();
}

/** Make the next kernel worker's thread now, unless one is made. */
export function makeWorkerAhead(): void {
  if (ahead) {
    return;
  }
  const made = { worker: createWorker(), failed: false };
  // (a kernel worker that takes it listens for its own errors)
  made.worker.addEventListener('error', () => (made.failed = true), { once: true });
  ahead = made;
}
