/**
 * Tuning of the Memphis adapter that is not part of `BrokerOptions`: the one place for these values.
 */
export const MEMPHIS_DEFAULTS = {
  /** Memphis client port, used when `BROKER_URL` names only a host. */
  port: 6666,
  /** Wait between reconnect attempts after a connection loss (the SDK reconnects forever with -1). */
  reconnectIntervalMs: 1_000,
  /** Timeout of one connection attempt. */
  connectTimeoutMs: 5_000,
  /** First and longest back-off of the start-up connection retries (p-retry, doubled each attempt). */
  connectMinBackoffMs: 250,
  connectMaxBackoffMs: 5_000,
  /**
   * Re-sends of a control-plane request (station / producer / consumer creation) that timed out;
   * each waits 20 s (the SDK's fixed request timeout).
   */
  controlPlaneTimeoutRetries: 2,
  /** Seconds the SDK waits for the broker's publish ack. */
  publishAckWaitSec: 15,
} as const;
