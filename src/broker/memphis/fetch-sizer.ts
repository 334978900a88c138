/**
 * Size of the next `consumer.fetch()` of a Memphis subscription.
 *
 * The SDK's fetch returns only when the batch is full or after `batchMaxTimeToWaitMs`, which it
 * floors at 1000 ms; a fixed BATCH_SIZE therefore holds the first messages of a short queue (or of
 * low traffic) for up to a second. Asking for no more than what is waiting avoids that wait:
 *
 * - The JetStream delivery info of the last message fetched carries the consumer's pending count
 *   (messages not yet delivered to the group): the next fetch asks for that many, between 1 and
 *   BATCH_SIZE. Nothing pending: a fetch of 1, which returns as soon as one message arrives.
 * - Without that count: start at 1, double while fetches come back full, drop back to 1 after a
 *   short one.
 *
 * So low traffic is served at once, and a backlog is fetched in full batches.
 */

/** Construction parameters of a `FetchSizer`. */
export interface FetchSizerProps {
  /** Largest fetch (BATCH_SIZE), an integer >= 1. */
  readonly maxBatchSize: number;
}

export class FetchSizer {
  private size = 1;

  constructor(private readonly props: FetchSizerProps) {
    if (!Number.isInteger(props.maxBatchSize) || props.maxBatchSize < 1)
      throw new Error(`maxBatchSize must be an integer >= 1, got ${props.maxBatchSize}`);
  }

  /** Messages to ask for in the next fetch. */
  get next(): number {
    return this.size;
  }

  /**
   * Record a fetch of `requested` that brought `received` messages; `pending` is the group's
   * pending count reported with the last of them (undefined when unknown or nothing came).
   */
  record(requested: number, received: number, pending: number | undefined): void {
    const max = this.props.maxBatchSize;
    if (received > 0 && pending !== undefined && Number.isFinite(pending) && pending >= 0) {
      this.size = Math.min(max, Math.max(1, Math.floor(pending)));
    } else if (received >= requested) {
      this.size = Math.min(max, Math.max(1, requested * 2));
    } else {
      this.size = 1;
    }
  }
}
