/**
 * Tuning of the NATS JetStream adapter that is not part of `BrokerOptions`: the one place for
 * these values.
 */
export const NATS_DEFAULTS = {
  /** Wait between reconnect attempts after a connection loss (the client reconnects forever). */
  reconnectTimeWaitMs: 1_000,
  /** First back-off of the start-up connection retries (p-retry, doubled each attempt). */
  connectMinBackoffMs: 250,
  /** Longest back-off between start-up connection attempts. */
  connectMaxBackoffMs: 5_000,
  /** Timeout of one connection attempt. */
  connectTimeoutMs: 5_000,
  /** Timeout of JetStream API requests, publish acks and ack confirmations. */
  requestTimeoutMs: 5_000,
  /**
   * Broker-wide bound on delivered-but-unacknowledged messages of the consumer group (NATS
   * default). Must exceed replicas × BATCH_SIZE, else pulls stall silently.
   */
  maxAckPending: 1_000,
  /**
   * Lifetime of one pull request. It bounds how long `stop()` waits before handing buffered messages
   * back; the server sends idle heartbeats every half of it.
   */
  pullExpiresMs: 5_000,
  /** First and longest back-off while a consume session is being re-established. */
  resubscribeMinBackoffMs: 100,
  resubscribeMaxBackoffMs: 2_000,
} as const;

/** Subject the producer publishes to inside stream `stream`. */
export function eventSubject(stream: string): string {
  return `${stream}.events`;
}

/** Subject a dead-lettered copy of a message of `stream` goes to. */
export function deadLetterSubject(deadLetterStream: string, stream: string): string {
  return `${deadLetterStream}.${stream}`;
}
