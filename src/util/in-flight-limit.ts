/**
 * The producer's bound on publishes awaiting an ack. Unlike a semaphore whose `acquire` always
 * returns a promise, a slot is taken synchronously (`tryAcquire`), so the producer loop can hand a
 * whole burst of due messages to the client within one tick: the client then writes them to the
 * socket in one flush instead of one write per message.
 */
export class InFlightLimit {
  private held = 0;
  private slotWaiter: (() => void) | undefined;
  private readonly idleWaiters: Array<() => void> = [];

  /** @param capacity publishes allowed in flight at once (MAX_IN_FLIGHT), an integer >= 1. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`maxInFlight must be an integer >= 1, got ${capacity}`);
  }

  /** Slots held now. */
  get inUse(): number {
    return this.held;
  }

  /** Whether a slot is free now. */
  get available(): boolean {
    return this.held < this.capacity;
  }

  /** Take a slot if one is free; false when all are held. */
  tryAcquire(): boolean {
    if (this.held >= this.capacity) return false;
    this.held++;
    return true;
  }

  release(): void {
    if (this.held === 0) throw new Error("release without acquire");
    this.held--;
    const waiter = this.slotWaiter;
    this.slotWaiter = undefined;
    waiter?.();
    if (this.held === 0) for (const idle of this.idleWaiters.splice(0)) idle();
  }

  /**
   * Resolves true once a slot is free (at once when one is), false when `signal` aborts first.
   * One waiter at a time: the producer loop is the only one.
   */
  whenAvailable(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.available) return Promise.resolve(true);
    if (this.slotWaiter) throw new Error("whenAvailable already has a waiter");
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.slotWaiter = undefined;
        resolve(false);
      };
      this.slotWaiter = () => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Resolves when no slot is held. */
  idle(): Promise<void> {
    if (this.held === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
