/**
 * The apps' internal tuning that is not an environment variable, in one place. The defaults of the
 * environment variables live in the contracts (config/common-contract.ts, apps/<app>/contract.ts).
 */
export const DEFAULTS = {
  /** Start-up connection attempts before the app gives up. */
  connectRetries: 8,

  producer: {
    /** How far (ms) the producer may fall behind its schedule and still catch up; older due messages are skipped. */
    catchUpWindowMs: 1_000,
    /** Publish retries of one message (same id) before it counts as failed. */
    publishRetries: 12,
    publishMinBackoffMs: 100,
    publishMaxBackoffMs: 2_000,
  },

  consumer: {
    /** Capacity of the in-memory seen-set used when SINK_DIR is not set. */
    memorySinkCapacity: 100_000,
  },

  /** How often both apps read Broker.queueDepth() into broker_queue_depth_messages. */
  queueDepthIntervalMs: 5_000,
  /** How often both apps log their summary so far (`<app> progress`). */
  progressLogIntervalMs: 30_000,
} as const;
