/**
 * Settles started but not yet confirmed by the broker ("pipelined settles"). The consumer frees a
 * worker as soon as a message's effect is applied and its ack is sent; the ack's confirmation is
 * tracked here instead. The window is bounded: `add()` makes its caller wait while more than
 * `capacity` settles are outstanding, so that worker takes no new message until confirmations catch
 * up. `drain()` waits for all of them (on shutdown, before the connection closes).
 *
 * Safe because an ack that fails is only a redelivery: the broker delivers the message again after
 * the ack wait, and the idempotent effect sink reports it as a duplicate instead of applying it twice.
 */
export class SettleWindow {
  private readonly pending = new Set<Promise<unknown>>();
  /** Callers of `add()` waiting for room; woken (to check again) whenever a settle ends. */
  private waiters: Array<() => void> = [];

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new Error(`SettleWindow capacity must be an integer >= 1, got ${capacity}`);
  }

  /** Settles started and not yet confirmed. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Track `settle` (already started) until it ends; resolves once no more than `capacity` settles
   * are outstanding. `settle` must never reject (settles report failures as outcomes).
   */
  async add(settle: Promise<unknown>): Promise<void> {
    const tracked: Promise<unknown> = settle.finally(() => {
      this.pending.delete(tracked);
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
    this.pending.add(tracked);
    while (this.pending.size > this.capacity) await new Promise<void>((wake) => this.waiters.push(wake));
  }

  /** Resolves once every outstanding settle has ended. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
