/**
 * Cell order for one notebook when some cells run in browser workers.
 *
 * The notebook sends kernel cells at once and lets the kernel queue them; a
 * `%%worker` cell must instead wait for the cells before it, and hold back
 * the cells after it (unless `--background`). While no worker cell is in the
 * way, kernel cells still go straight to the kernel.
 */

interface ITail {
  done: Promise<boolean>;
  settled: boolean;
}

/** The run order of one notebook's cells. */
export class CellQueue {
  /** Whether cells are waiting behind a worker cell (or running after one). */
  get busy(): boolean {
    return this._pending > 0;
  }

  /**
   * Record a cell that went straight to the kernel (or a markdown cell):
   * later cells wait for it and for the cells before it, which may still run.
   */
  direct<T>(run: Promise<T>): Promise<T> {
    const before = this._tail;
    const done = run.then((ok) => ok !== false);
    this._setTail(
      before.settled ? done : Promise.all([before.done, done]).then(([a, b]) => a && b),
    );
    return run;
  }

  /**
   * Run `task` once the cells before it have finished. When one of them
   * failed while this one waited, `task` does not run (as a kernel aborts
   * its queue after an error) and the result is false. With `hold`, the
   * cells after this one wait for it.
   */
  chain<T>(task: () => Promise<T>, hold: boolean): Promise<T | false> {
    const before = this._tail;
    const waited = !before.settled;
    this._pending++;
    const run: Promise<T | false> = before.done
      .then((ok): Promise<T | false> | false => (waited && !ok ? false : task()))
      .finally(() => {
        this._pending--;
      });
    if (hold) {
      this._setTail(run.then((ok) => ok !== false));
    }
    return run;
  }

  private _setTail(done: Promise<boolean>): void {
    const tail: ITail = { done: done.catch(() => false), settled: false };
    void tail.done.then(() => {
      tail.settled = true;
    });
    this._tail = tail;
  }

  private _tail: ITail = { done: Promise.resolve(true), settled: true };
  private _pending = 0;
}
