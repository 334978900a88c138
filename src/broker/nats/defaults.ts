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
  /**
   * Client PING interval and unanswered PINGs before the connection counts as lost and the client
   * reconnects to another server. A server cut off by the network (or stalled) keeps the TCP
   * connection open; with the client's defaults (nats-core DEFAULT_PING_INTERVAL 2 min, max 2 out)
   * an app connected to it would wait minutes. These bound it to ~15 s, well above a busy server's
   * PONG delay.
   */
  pingIntervalMs: 5_000,
  maxPingOut: 2,
  /** Timeout of one connection attempt. */
  connectTimeoutMs: 5_000,
  /** Timeout of JetStream API requests and publish acks. */
  requestTimeoutMs: 5_000,
  /**
   * Broker-wide bound on delivered-but-unacknowledged messages of the consumer group (NATS
   * default). Must exceed replicas × BATCH_SIZE, else pulls stall silently.
   */
  maxAckPending: 1_000,
} as const;

/** The subjects stream `stream` holds: every subject below its name. */
export function streamSubjects(stream: string): string {
  return `${stream}.>`;
}

/** Subject the producer publishes to inside stream `stream`. */
export function eventSubject(stream: string): string {
  return `${stream}.events`;
}

/** Subject a dead-lettered copy of a message of `stream` goes to. */
export function deadLetterSubject(deadLetterStream: string, stream: string): string {
  return `${deadLetterStream}.${stream}`;
}
