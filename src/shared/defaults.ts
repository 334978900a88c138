/**
 * Every default of the two apps, in one place. The env specs (`config/*-env.ts`) and the runtime
 * pieces read them from here; nothing else repeats a default value.
 */
export const DEFAULTS = {
  broker: "nats",
  natsAccount: "$G",
  memphisAccount: "$memphis",
  accountId: 1,
  stream: "events",
  consumerGroup: "event-consumers",
  deadLetterStream: "events-dlq",
  ackWaitMs: 30_000,
  maxDeliveries: 5,
  /** Memphis caps deliveries at 10; the apps use the same bound for both brokers. */
  maxDeliveriesLimit: 10,
  retentionSeconds: 604_800,
  dedupWindowMs: 120_000,
  httpPort: 8080,
  logLevel: "info",
  /** Start-up connection attempts before the app gives up. */
  connectRetries: 8,

  producer: {
    maxInFlight: 256,
    payloadBytes: 64,
    messageLimit: 0,
    /** How far (ms) the producer may fall behind its schedule and still catch up; older due messages are skipped. */
    catchUpWindowMs: 1_000,
    /** Publish retries of one message (same id) before it counts as failed. */
    publishRetries: 12,
    publishMinBackoffMs: 100,
    publishMaxBackoffMs: 2_000,
  },

  consumer: {
    concurrency: 1,
    batchSize: 10,
    workTimeMs: 0,
    drainTimeoutMs: 20_000,
    retryDelayMs: 1_000,
    /** Capacity of the in-memory seen-set used when SINK_DIR is not set. */
    memorySinkCapacity: 100_000,
    /** Effect of the file sink (SINK_DIR); `ledger` is the tests' non-idempotent control. */
    sinkEffect: "idempotent",
    /** Back-off while a failed subscription is re-established. */
    resubscribeMinBackoffMs: 200,
    resubscribeMaxBackoffMs: 5_000,
  },

  /** How often both apps read Broker.queueDepth() into broker_queue_depth_messages. */
  queueDepthIntervalMs: 5_000,
} as const;
