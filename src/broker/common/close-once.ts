/**
 * `close()` of an adapter: the first call runs the closing work, every later call (concurrent or
 * after it finished) returns the same promise.
 */
export class CloseOnce {
  private closing: Promise<void> | undefined;

  constructor(private readonly close: () => Promise<void>) {}

  /** Whether closing has begun. */
  get started(): boolean {
    return this.closing !== undefined;
  }

  run(): Promise<void> {
    this.closing ??= this.close();
    return this.closing;
  }
}
