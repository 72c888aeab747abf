/**
 * Why a worker stopped running a cell for good, in the words the cell shows.
 */

/** An ended worker: the error its running cell (and any later one) shows. */
export interface IStop {
  ename: string;
  evalue: string;
}

/**
 * The interrupt of a page without isolation: the worker cannot be stopped in
 * place (no shared memory for Pyodide's interrupt buffer), so it is restarted.
 */
export const RESTARTED_TO_INTERRUPT: IStop = {
  ename: 'KeyboardInterrupt',
  evalue:
    'the worker was restarted to stop this cell, and its state (variables, imports) ' +
    'is lost: this page is not cross-origin isolated, so a running cell cannot be ' +
    'interrupted in place. Serve the site with the isolation headers ' +
    '(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: ' +
    'credentialless; `jupyter worker serve` sends them) for interrupts that keep state.',
};

/** The worker died: Pyodide's fatal error, or the worker thread is gone. */
export function crashed(cause: string): IStop {
  return {
    ename: 'WorkerCrashed',
    evalue:
      `the Python worker stopped (${cause}); its state is lost. Restart the kernel ` +
      "(Kernel › Restart Kernel, or the 'Restart worker' command) to go on. " +
      'The notebook itself is unchanged.',
  };
}

/** The cause shown when the worker's lifeline lock was released. */
export const WORKER_GONE = 'the worker thread ended: it crashed, ran out of memory or was closed';
