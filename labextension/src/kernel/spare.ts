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

/** A worker kernel runs code: a planned spare waits for the next idle time. */
export function codeStarts(): void {
  running++;
  cancelPlan();
}

/** A worker kernel's code ended (then it plans a spare: `planSpare`). */
export function codeEnds(): void {
  running = Math.max(0, running - 1);
}

/**
 * Start a spare for options `key` (with `start`) once no worker kernel has run
 * code for `SPARE_IDLE_MS`, unless one for them is there already.
 */
export function planSpare(key: string, start: () => KernelWorker): void {
  cancelPlan();
  if (running > 0 || (spare?.key === key && !spare.started.failed)) {
    return;
  }
  planned = setTimeout(() => {
    planned = null;
    if (spare?.key === key && !spare.started.failed) {
      return;
    }
    dropSpare();
    const started = start();
    spare = { key, started };
    started.ready.then(
      () => console.info('jupyter-worker: a warm spare kernel worker is ready'),
      () => undefined, // (failed: the next kernel does not take it)
    );
  }, SPARE_IDLE_MS);
}

/** The spare started with options `key`, for a kernel to bind; null if there is none. */
export function takeSpare(key: string): KernelWorker | null {
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
