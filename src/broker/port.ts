/**
 * The broker port: the only thing the producer and consumer know about a message broker.
 *
 * Two adapters implement it: NATS JetStream (`./nats/`) and Memphis through `memphis-dev`
 * (`./memphis/`). Both give the same guarantees: at-least-once delivery with explicit acks,
 * publish deduplicated on the message id, bounded redelivery, dead-lettering, and a queue depth
 * read the way KEDA's `nats-jetstream` scaler reads it.
 */

/** Which adapter to use. */
export type BrokerKind = "nats" | "memphis";

/** Headers carried by a message, single-valued. */
export type MessageHeaders = Readonly<Record<string, string>>;

/** A message to publish. */
export interface OutgoingMessage {
  /** Dedup key: the broker drops a second publish with the same id inside its dedup window. Kept across retries. */
  readonly id: string;
  /** Message body. */
  readonly data: Uint8Array;
  /** Extra headers (the adapter adds its own dedup header). */
  readonly headers?: MessageHeaders;
}

/** What the broker said about a publish. */
export interface PublishAck {
  /** Stream sequence the message was stored at (the first one's, for a duplicate), or 0 when unknown. */
  readonly sequence: number;
  /** True when the broker recognised the id as already stored and did not store it again. */
  readonly duplicate: boolean;
}

/** A message delivered to a consumer. Exactly one of ack / retryLater / deadLetter must be called. */
export interface DeliveredMessage {
  /** The dedup id it was published with, when the broker carried it. */
  readonly id: string | undefined;
  readonly data: Uint8Array;
  readonly headers: MessageHeaders;
  /** 1 on first delivery. */
  readonly deliveryCount: number;
  /** The broker's bound on deliveries for this consumer group (the last attempt is `deliveryCount === maxDeliveries`). */
  readonly maxDeliveries: number;
  /** Stream sequence, or 0 when the broker does not expose it. */
  readonly sequence: number;
  /** Processing done: remove it from the queue. */
  ack(): Promise<void>;
  /** Hand it back to be redelivered after `delayMs`. */
  retryLater(delayMs: number): Promise<void>;
  /** Move it to the dead-letter stream with `reason` and its original headers, and stop redelivering it. */
  deadLetter(reason: string): Promise<void>;
  /** Still working on it: extend the ack deadline (a no-op where the broker cannot). */
  inProgress(): void;
}

/** A running pull subscription of the consumer group. */
export interface Subscription extends AsyncIterable<DeliveredMessage> {
  /**
   * Stop pulling. Messages already buffered by the client but not yet yielded are handed back
   * (redelivered at once), and the iterator ends. Messages already yielded stay the caller's to settle.
   */
  stop(): Promise<void>;
}

export interface ConsumeOptions {
  /** Messages requested per pull. */
  readonly batchSize: number;
}

/** Queue depth as KEDA's nats-jetstream scaler computes it. */
export interface QueueDepth {
  /** Messages not yet delivered to the group. */
  readonly pending: number;
  /** Delivered, not yet acknowledged. */
  readonly ackPending: number;
  /** pending + ackPending: the scaler's lag. */
  readonly total: number;
}

/** Connection state changes, for logs and readiness. */
export type BrokerEvent =
  | { readonly type: "disconnected" }
  | { readonly type: "reconnected" }
  | { readonly type: "error"; readonly error: Error };

export interface Broker {
  readonly kind: BrokerKind;
  /** Create the stream/station, the dead-letter stream and the durable consumer group; idempotent. */
  provision(): Promise<void>;
  /** Publish and wait for the broker's ack. Rejects on failure (the caller retries with the same id). */
  publish(message: OutgoingMessage): Promise<PublishAck>;
  /** Start pulling from the durable consumer group. */
  consume(options: ConsumeOptions): Promise<Subscription>;
  /** Pending + unacknowledged of the consumer group, read from the broker's monitoring endpoint. */
  queueDepth(): Promise<QueueDepth>;
  /** Subscribe to connection events. Returns an unsubscribe function. */
  onEvent(listener: (event: BrokerEvent) => void): () => void;
  /** Drain and close the connection. Never deletes the durable consumer group. */
  close(): Promise<void>;
}
