/**
 * The page's one warm spare kernel worker: started once the worker kernels
 * have been idle a while, taken by the next kernel with the same options (a
 * restart, a new notebook, a worker started from Python), which then starts
 * in the time it takes to bind it instead of Pyodide's and IPython's start.
 * Option `warmSpare` of `jupyter-worker:kernel`; at most one per page.
 *
 * The same idle time first makes the memory snapshot later starts use
 * (option `snapshot`, `worker/snapshot.ts`), once per page and options.
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

/** How a worker like the idle kernel's starts: as a spare, and as the maker of its snapshot. */
export interface IIdleStarts {
  /** Start a spare (null: no spare, `warmSpare` is off). */
  spare: (() => KernelWorker) | null;
  /** Start a worker that stores a memory snapshot and stops (null: `snapshot` is off). */
  snapshot: (() => KernelWorker) | null;
}

/** What the last idle kernel asked for (`planSpare`). */
let wanted: { key: string; starts: IIdleStarts } | null = null;

/** Code in a worker kernel (or a `%%worker` cell) ended: plan the spare last asked for. */
export function codeEnds(): void {
  running = Math.max(0, running - 1);
  if (wanted) {
    planSpare(wanted.key, wanted.starts);
  }
}

/**
 * Once no worker kernel has run code for `SPARE_IDLE_MS`, make the memory
 * snapshot of a worker with options `key` if this page has not made or used
 * one, then start a spare for them, unless one is there already.
 */
export function planSpare(key: string, starts: IIdleStarts): void {
  cancelPlan();
  wanted = { key, starts };
  const snapshotDue = starts.snapshot !== null && !snapshots.has(key);
  const spareDue = starts.spare !== null && !(spare?.key === key && !spare.started.failed);
  if (running > 0 || maker !== null || !(snapshotDue || spareDue)) {
    return;
  }
  planned = setTimeout(() => {
    planned = null;
    if (starts.snapshot && snapshotDue) {
      makeSnapshot(key, starts.snapshot);
    } else if (starts.spare) {
      startSpare(key, starts.spare);
    }
  }, SPARE_IDLE_MS);
}

/** The options (keys) whose memory snapshot this page has stored or started from. */
const snapshots = new Set<string>();

/** The worker making a memory snapshot now, if any. */
let maker: KernelWorker | null = null;

/** A kernel with options `key` started from their memory snapshot: it need not be made. */
export function snapshotUsed(key: string): void {
  snapshots.add(key);
}

/**
 * Start `make` (a worker that stores the memory snapshot of a worker with
 * options `key`; code that runs meanwhile does not stop it, it is made once);
 * once it is done, stop it and start the spare if the page is still idle, else
 * plan what was last asked for. One that fails is not made again in this page.
 */
function makeSnapshot(key: string, make: () => KernelWorker): void {
  const started = make();
  maker = started;
  started.ready
    .then(() => started.remote.startKind())
    .then(
      (kind) => {
        snapshots.add(key);
        if (kind === 'snapshot made') {
          console.info("jupyter-worker: a memory snapshot of the kernel's start is stored");
        }
      },
      (error: unknown) => {
        snapshots.add(key);
        console.warn(
          `jupyter-worker: no memory snapshot of the kernel could be made: ${String(error)}`,
        );
      },
    )
    .finally(() => {
      maker = null;
      started.dispose();
      started.terminate();
      if (running === 0 && wanted?.key === key && wanted.starts.spare) {
        startSpare(key, wanted.starts.spare);
      } else if (wanted) {
        planSpare(wanted.key, wanted.starts); // (waits for running code to end)
      }
    });
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
    spare.started.terminate();
    spare = null;
  }
}
