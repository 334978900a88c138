/**
 * Settles started but not yet confirmed by the broker ("pipelined settles"). The consumer frees a
 * worker as soon as a message's effect is applied and its ack is sent; the ack's confirmation is
 * tracked here instead. The window is bounded: while more than `capacity` settles are outstanding,
 * `add()` returns a promise its caller waits on, so that worker takes no new message until
 * confirmations catch up. `drain()` waits for all of them (on shutdown, before the connection closes).
 *
 * The hot path allocates nothing but the one reaction to the settle: with room in the window `add()`
 * returns `undefined` (no promise to await), and outstanding settles are counted, not kept in a set.
 *
 * Safe because an ack that fails is only a redelivery: the broker delivers the message again after
 * the ack wait, and the idempotent effect sink reports it as a duplicate instead of applying it twice.
 */
export class SettleWindow {
  private outstanding = 0;
  /** Callers waiting for room or for the drain; woken (to check again) whenever a settle ends. */
  private waiters: Array<() => void> = [];

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new Error(`SettleWindow capacity must be an integer >= 1, got ${capacity}`);
  }

  /** Settles started and not yet confirmed. */
  get size(): number {
    return this.outstanding;
  }

  /**
   * Track `settle` (already started) until it ends, then pass its value to `onEnd`. Returns
   * `undefined` when no more than `capacity` settles are outstanding, otherwise a promise that
   * resolves once that holds again. `settle` must never reject (settles report failures as outcomes).
   */
  add<T>(settle: Promise<T>, onEnd: (value: T) => void): Promise<void> | undefined {
    this.outstanding++;
    void settle.then((value) => {
      this.outstanding--;
      onEnd(value);
      if (this.waiters.length > 0) this.wake();
    });
    return this.outstanding > this.capacity ? this.until(() => this.outstanding <= this.capacity) : undefined;
  }

  /** Resolves once every outstanding settle has ended. */
  drain(): Promise<void> {
    return this.until(() => this.outstanding === 0);
  }

  private async until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((wake) => this.waiters.push(wake));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
