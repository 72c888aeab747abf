/**
 * Whether one side of the channel spins for the other before it sleeps.
 *
 * Waking a sleeping thread (`Atomics.wait` on the worker, `Atomics.waitAsync`
 * on the page) costs several times a whole round trip of a busy loop of calls,
 * so each side first watches the shared memory for up to `maxMs`. Both sides
 * must stay awake for a loop of calls to run at full speed: a side that
 * sleeps wakes late, and then the other's spin misses too. So a side spins
 * for the whole `maxMs` while that mostly pays, and not at all while it
 * mostly does not: the choice follows how often the awaited change came
 * within `maxMs` (a moving average, spinning or not, with a gap between the
 * rates that stop and restart spinning so that it does not flap), and
 * restarts at once after a run of `RESTART_RUN` quick changes: a loop of
 * calls that begins while both sides sleep (a new cell, after a `wait_for`)
 * would otherwise pay a wake-up on each side until the average has climbed
 * back (`benchmarks/cold_loops.py --why`: the page was woken for 80-90% of
 * the first 100 calls of a new cell, for 10-20% with the run rule). A side
 * stops spinning while the other thinks longer between calls, and while the
 * machine's cores are all busy (spinning would take time from the very thread
 * it waits for).
 *
 * Each side judges the *other* side, never its own wake-up. While a side spins,
 * what it sees is the judgement: the change came within the spin (a hit) or
 * not (a miss), and no clock is read for a hit. A side that did not spin (it
 * slept) asks the other for times instead: the worker for when the page
 * answered (`C_TIMED`, `C_ANSWERED_AT`), the page for how long the worker ran
 * before its next request, from when it saw the answer (`C_WANT_THINK`,
 * `C_THINK_US`). Otherwise one side's slow wake-up would look like the other's
 * slowness, and both would stop spinning for good. Clock reads cost about
 * 0.3 µs each, a tenth of a whole round trip, hence none on the fast path.
 */
export class SpinBudget {
  /** @param maxMs - how long a spin lasts (ms). */
  constructor(readonly maxMs: number) {}

  /** How long the next spin lasts (ms); 0: sleep at once. */
  get ms(): number {
    return this._spinning ? this.maxMs : 0;
  }

  /** Whether the side spins before it sleeps. */
  get spinning(): boolean {
    return this._spinning;
  }

  /** The awaited change came `elapsedMs` after the wait began (spinning or asleep). */
  recordElapsed(elapsedMs: number): void {
    this.record(elapsedMs <= this.maxMs);
  }

  /** The awaited change came within `maxMs` of the wait's start (a hit) or not. */
  record(hit: boolean): void {
    this._rate += ((hit ? 1 : 0) - this._rate) / WEIGHT;
    this._run = hit ? this._run + 1 : 0;
    if (this._spinning) {
      this._spinning = this._rate >= STOP_BELOW;
    } else if (this._rate > START_ABOVE || this._run >= RESTART_RUN) {
      this._spinning = true;
      // a few misses stop it again, as after any start
      this._rate = Math.max(this._rate, START_ABOVE);
    }
  }

  private _rate = 1;
  private _run = 0;
  private _spinning = true;
}

/**
 * A clock both sides of the channel share: microseconds since the epoch,
 * modulo 2^31 (an Int32 control word); `performance.timeOrigin` makes the
 * page's and the worker's `performance.now()` comparable.
 */
export function clockUs(): number {
  return Math.round((TIME_ORIGIN + performance.now()) * 1000) % CLOCK_WRAP;
}

/** Read once: the getter costs as much as `performance.now()`. */
const TIME_ORIGIN = performance.timeOrigin;

/**
 * Milliseconds from `earlier` to `later`, two `clockUs` readings less than
 * 35 min apart. Readings of the two threads can be a few µs out of order
 * (each thread's clock is coarsened on its own): a negative span is 0.
 */
export function clockMsBetween(earlier: number, later: number): number {
  let span = later - earlier;
  if (span > CLOCK_WRAP / 2) {
    span -= CLOCK_WRAP;
  } else if (span < -CLOCK_WRAP / 2) {
    span += CLOCK_WRAP;
  }
  return Math.max(span, 0) / 1000;
}

const CLOCK_WRAP = 2 ** 31;

/** Each wait moves the rate by 1/WEIGHT of the difference. */
const WEIGHT = 16;
/** Spinning stops when fewer waits than this end within a spin. */
const STOP_BELOW = 0.75;
/** And starts again when more than this would have, */
const START_ABOVE = 0.9;
/** or after this many quick changes in a row. */
const RESTART_RUN = 4;
