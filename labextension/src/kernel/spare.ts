/**
 * The page's one warm spare kernel worker: started once the worker kernels
 * have been idle a while, taken by the next kernel with the same options (a
 * restart, a new notebook, a worker started from Python), which then starts
 * in the time it takes to bind it instead of Pyodide's and IPython's start.
 * Option `warmSpare` of `jupyter-worker:kernel`; at most one per page.
 */
import type { KernelWorker } from './started';

/** How long the worker kernels must have run no code before a spare starts. */
export const SPARE_IDLE_MS = 3000;

/** The spare, and the options it was started with. */
let spare: { key: string; started: KernelWorker } | null = null;

/** The planned start of a spare, while the kernels are idle. */
let planned: ReturnType<typeof setTimeout> | null = null;

/** Code the worker kernels run now (cells, calls). */
let running = 0;

function cancelPlan(): void {
  if (planned !== null) {
    clearTimeout(planned);
    planned = null;
  }
}

/** A worker kernel (or a `%%worker` cell) runs code: a planned spare waits for the next idle time. */
export function codeStarts(): void {
  running++;
  cancelPlan();
}

/** The spare the last idle kernel asked for (`planSpare`). */
let wanted: { key: string; start: () => KernelWorker } | null = null;

/** Code in a worker kernel (or a `%%worker` cell) ended: plan the spare last asked for. */
export function codeEnds(): void {
  running = Math.max(0, running - 1);
  if (wanted) {
    planSpare(wanted.key, wanted.start);
  }
}

/**
 * Start a spare for options `key` (with `start`) once no worker kernel has run
 * code for `SPARE_IDLE_MS`, unless one for them is there already.
 */
export function planSpare(key: string, start: () => KernelWorker): void {
  cancelPlan();
  wanted = { key, start };
  if (running > 0 || (spare?.key === key && !spare.started.failed)) {
    return;
  }
  planned = setTimeout(() => {
    planned = null;
    startSpare(key, start);
  }, SPARE_IDLE_MS);
}

/** Whether a kernel has asked for a spare yet. */
let asked = false;

/**
 * Start the first kernel's worker ahead (options `key`, with `start`) while
 * the page loads, unless a kernel started already.
 */
export function startFirstSpare(key: string, start: () => KernelWorker): void {
  if (!asked) {
    startSpare(key, start);
  }
}

/** Start a spare for options `key` (with `start`) now, unless one for them is there. */
export function startSpare(key: string, start: () => KernelWorker): void {
  if (spare?.key === key && !spare.started.failed) {
    return;
  }
  dropSpare();
  const started = start();
  spare = { key, started };
  started.ready.then(
    () => console.info('jupyter-worker: a warm spare kernel worker is ready'),
    (error: unknown) => {
      // the next kernel does not take it, and starts its own worker
      console.warn(
        `jupyter-worker: the warm spare kernel worker failed to start: ${String(error)}`,
      );
    },
  );
}

/**
 * The spare started with options `key`, for a starting kernel to bind; null
 * if there is none. A planned spare waits: a kernel's start is busy time.
 */
export function takeSpare(key: string): KernelWorker | null {
  asked = true;
  cancelPlan();
  if (!spare) {
    return null;
  }
  if (spare.key !== key || spare.started.failed) {
    const why = spare.started.failed ? 'it failed' : 'other options';
    console.info(`jupyter-worker: the warm spare kernel worker is not used (${why})`);
    dropSpare();
    return null;
  }
  const { started } = spare;
  spare = null;
  console.info('jupyter-worker: a kernel took the warm spare kernel worker');
  return started;
}

/** Stop the spare, if there is one. */
export function dropSpare(): void {
  if (spare) {
    spare.started.dispose();
    spare.started.worker.terminate();
    spare = null;
  }
}
