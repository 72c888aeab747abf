/**
 * Timeouts counted on the page. `setTimeout` takes a signed 32-bit number of
 * milliseconds: a longer delay fires at once, so a longer (or infinite)
 * timeout is no timer at all.
 */

/** The longest delay `setTimeout` counts, in milliseconds. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The `setTimeout` delay for `seconds`, or `undefined` when no timer is
 * wanted: the timeout is infinite or longer than a timer can count.
 */
export function timerDelay(seconds: number): number | undefined {
  const ms = seconds * 1000;
  return ms <= MAX_TIMER_MS ? Math.max(0, ms) : undefined;
}
