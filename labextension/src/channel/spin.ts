/**
 * How long one side of the channel spins for the other before it sleeps.
 *
 * Waking a sleeping thread (`Atomics.wait` on the worker, `Atomics.waitAsync`
 * on the page) costs several times a whole round trip of a busy loop of calls,
 * so each side first watches the shared memory for a moment. Spinning only pays
 * when the other side answers within that moment: when it does not (the other
 * side thinks longer, or the machine's cores are all busy and spinning takes
 * time from the very thread it waits for), the spin halves, down to none; when
 * an answer that came after a sleep would have been caught by a longer spin,
 * it doubles again, up to `maxMs`.
 */
export class SpinBudget {
  /**
   * @param maxMs - the longest spin (ms).
   * @param minMs - a spin shorter than this is no spin (ms).
   */
  constructor(
    readonly maxMs: number,
    readonly minMs: number,
  ) {
    this.ms = maxMs;
  }

  /** How long the next spin lasts (ms); 0: sleep at once. */
  ms: number;

  /** A spin ended without the awaited change. */
  missed(): void {
    this.ms = this.ms < 2 * this.minMs ? 0 : this.ms / 2;
  }

  /** The awaited change came `elapsedMs` after the wait began, while sleeping. */
  late(elapsedMs: number): void {
    if (elapsedMs < this.maxMs) {
      this.ms = Math.min(this.maxMs, Math.max(2 * this.ms, this.minMs));
    }
  }
}
