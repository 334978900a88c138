/**
 * The broker layer's tuning that is not part of `BrokerOptions`, in one place: what both adapters
 * share first, then the JetStream pull path (a Memphis station is a JetStream stream), then what
 * only one adapter has. The environment variables' defaults live in the contracts
 * (runtime/config/common-contract.ts).
 */

/** An exponential back-off: `minMs` first, doubled after every failed attempt up to `maxMs`. */
export interface Backoff {
  readonly minMs: number;
  readonly maxMs: number;
}

/** The wait before attempt `attempt` (1-based: the first retry waits `minMs`). */
export function backoffDelay(backoff: Backoff, attempt: number): number {
  return Math.min(backoff.maxMs, backoff.minMs * 2 ** Math.max(0, attempt - 1));
}

export const BROKER_DEFAULTS = {
  /** Back-off of the start-up connection retries (p-retry, `BrokerOptions.connectRetries` of them). */
  connectBackoff: { minMs: 250, maxMs: 5_000 } satisfies Backoff,
  /** Timeout of one connection attempt. */
  connectTimeoutMs: 5_000,
  /** Wait between reconnect attempts after a connection loss (both clients reconnect forever). */
  reconnectWaitMs: 1_000,
  /** Timeout of one monitoring endpoint request (queue depth). */
  monitorTimeoutMs: 5_000,
  /**
   * How long a connection the client found stale may take to close by itself before its socket is
   * destroyed (common/stale-socket-guard.ts). An idle connection closes at once; a busy one never
   * does while the network drops its packets.
   */
  staleCloseGraceMs: 1_000,

  jetstream: {
    /**
     * Lifetime of one pull request. It bounds how long a session waits before it notices a lost
     * server; the server sends idle heartbeats every half of it.
     */
    pullExpiresMs: 5_000,
    /** Pause before pulling again after the server refused a pull request (409: max ack pending or max waiting exceeded, leadership change). */
    refusedPullPauseMs: 100,
    /** Longest wait for the PONG that confirms the acks written before it. */
    ackConfirmTimeoutMs: 5_000,
    /**
     * Back-off while a pull subscription is re-established (the consumer group looked up again and
     * a new session opened); the only place a subscription is re-established.
     */
    resubscribeBackoff: { minMs: 100, maxMs: 2_000 } satisfies Backoff,
  },

  nats: {
    /**
     * Client PING interval and unanswered PINGs before the connection counts as lost and the client
     * reconnects to another server. A server cut off by the network (or stalled) keeps the TCP
     * connection open; with the client's defaults (nats-core DEFAULT_PING_INTERVAL 2 min, max 2 out)
     * an app connected to it would wait minutes. These bound it to ~15 s, well above a busy server's
     * PONG delay.
     */
    pingIntervalMs: 5_000,
    maxPingOut: 2,
    /** Timeout of JetStream API requests and publish acks. */
    requestTimeoutMs: 5_000,
    /**
     * Broker-wide bound on delivered-but-unacknowledged messages of the consumer group (NATS
     * default). Must exceed replicas × BATCH_SIZE, else pulls stall silently.
     */
    maxAckPending: 1_000,
  },

  memphis: {
    /** Memphis client port, used when `BROKER_URL` names only a host. */
    port: 6666,
    /**
     * Re-sends of a control-plane request (station / producer / consumer creation) that timed out;
     * each waits 20 s (the SDK's fixed request timeout).
     */
    controlPlaneTimeoutRetries: 2,
    /** Seconds the SDK waits for the broker's publish ack. */
    publishAckWaitSec: 15,
  },
} as const;
