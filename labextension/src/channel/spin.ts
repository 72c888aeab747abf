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
 * rates that stop and restart spinning so that it does not flap). A side
 * stops spinning while the other thinks longer between calls, and while the
 * machine's cores are all busy (spinning would take time from the very thread
 * it waits for).
 *
 * Each side times the *other* side, never its own wake-up: the worker how long
 * the page took to write the answer (`clockUs` in a control word), the page
 * how long the worker ran before its next request (the worker writes it).
 * Otherwise one side's slow wake-up would look like the other's slowness,
 * and both would stop spinning for good.
 */
export class SpinBudget {
  /** @param maxMs - how long a spin lasts (ms). */
  constructor(readonly maxMs: number) {}

  /** How long the next spin lasts (ms); 0: sleep at once. */
  get ms(): number {
    return this._spinning ? this.maxMs : 0;
  }

  /** The awaited change came `elapsedMs` after the wait began (spinning or asleep). */
  record(elapsedMs: number): void {
    const hit = elapsedMs <= this.maxMs ? 1 : 0;
    this._rate += (hit - this._rate) / WEIGHT;
    if (this._spinning ? this._rate < STOP_BELOW : this._rate > START_ABOVE) {
      this._spinning = !this._spinning;
    }
  }

  private _rate = 1;
  private _spinning = true;
}

/**
 * A clock both sides of the channel share: microseconds since the epoch,
 * modulo 2^31 (an Int32 control word); `performance.timeOrigin` makes the
 * page's and the worker's `performance.now()` comparable.
 */
export function clockUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) % CLOCK_WRAP;
}

/** Milliseconds from `earlier` to `later`, two `clockUs` readings less than 35 min apart. */
export function clockMsBetween(earlier: number, later: number): number {
  return (((later - earlier) % CLOCK_WRAP) + CLOCK_WRAP) % CLOCK_WRAP / 1000;
}

const CLOCK_WRAP = 2 ** 31;

/** Each wait moves the rate by 1/WEIGHT of the difference. */
const WEIGHT = 16;
/** Spinning stops when fewer waits than this end within a spin. */
const STOP_BELOW = 0.75;
/** And starts again when more than this would have. */
const START_ABOVE = 0.9;
