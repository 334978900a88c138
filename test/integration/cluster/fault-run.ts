/**
 * One fault run against a cluster: a consumer and a producer (the real apps) on the cluster's
 * every seed URL, a fault injected while they run, then the audit every fault test prints:
 * attempted, acknowledged (ids the producer was acked), processed (ids applied), lost (acked minus
 * applied: must be 0), duplicate deliveries (the consumer's own count), duplicate effects (from the
 * sink's per-instance apply logs: must be 0), publish attempts that failed and were retried under
 * the same id, and the longest time without progress: without a new publish ack while the producer
 * runs, and without a new effect while there is something to apply.
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { ConsumerSummary } from "../../../src/apps/consumer/consumer.js";
import type { ProducerSummary } from "../../../src/apps/producer/producer.js";
import { fetchQueueDepth } from "../../../src/broker/common/jsz.js";
import { AppProcess } from "../../support/app-process.js";
import type { NatsCluster } from "../../../testkit/nats-cluster.js";
import { waitFor } from "../../../testkit/poll.js";
import { auditSink, countEffects } from "../../support/sink-audit.js";

/** The apps' default names (src/runtime/defaults.ts), which the fault runs keep. */
export const APP_NAMES = {
  stream: "events",
  deadLetterStream: "events-dlq",
  consumerGroup: "event-consumers",
};

export interface FaultRunProps {
  readonly cluster: NatsCluster;
  /** Label of the printed line. */
  readonly name: string;
  /** Messages the producer creates. */
  readonly count: number;
  /** Producer rate. */
  readonly ratePerSecond: number;
  /** Inject the fault. */
  readonly fault: () => Promise<void>;
  /**
   * `publishing`: producer and consumer run together, the fault comes after `faultAfter` publish
   * acks. `consuming`: everything is published first, then the consumer starts and the fault comes
   * after `faultAfter` effects.
   */
  readonly during: "publishing" | "consuming";
  readonly faultAfter: number;
}

export interface FaultCounts {
  readonly attempted: number;
  readonly acknowledged: number;
  readonly processed: number;
  readonly lost: number;
  readonly duplicateDeliveries: number;
  readonly duplicateEffects: number;
  readonly publishRetries: number;
  readonly longestPublishStallMs: number;
  readonly longestApplyStallMs: number;
}

export async function faultRun(props: FaultRunProps): Promise<FaultCounts> {
  const sinkDir = await mkdtemp(join(tmpdir(), "effects-"));
  const env = {
    ...props.cluster.appEnv,
    // the stream, the dead-letter stream and the group on all three nodes
    STREAM_REPLICAS: "3",
    ACK_WAIT_MS: "5000",
    MAX_DELIVERIES: "5",
    RETRY_DELAY_MS: "200",
  };
  const startConsumer = () =>
    AppProcess.start(
      "consumer",
      { ...env, SINK_DIR: sinkDir, CONCURRENCY: "4", BATCH_SIZE: "50" },
      "consumer",
    );
  const effects = (): Promise<number> => countEffects(sinkDir);
  const applyStall = new StallMeter(effects);
  let producer: AppProcess | undefined;
  const publishStall = new StallMeter(async () =>
    (await producer!.metrics()).value("producer_messages_published_total"),
  );
  try {
    let consumer = props.during === "publishing" ? await startConsumer() : undefined;
    await consumer?.waitReady();
    producer = await AppProcess.start("producer", {
      ...env,
      RATE_PER_SECOND: String(props.ratePerSecond),
      MESSAGE_LIMIT: String(props.count),
      MAX_IN_FLIGHT: "64",
      // one "published" line per acked id (the set lost is computed from), one per failed attempt
      LOG_LEVEL: "debug",
    });
    const p = producer;
    publishStall.start();
    if (props.during === "publishing") {
      applyStall.start();
      await waitFor(
        `${props.faultAfter} acks`,
        async () => (await p.metrics()).value("producer_messages_published_total") >= props.faultAfter,
        { intervalMs: 25 },
      );
    } else {
      await p.exited;
      consumer = await startConsumer();
      applyStall.start();
      await waitFor(`${props.faultAfter} effects`, async () => (await effects()) >= props.faultAfter, {
        intervalMs: 25,
      });
    }
    await props.fault();
    const exit = await p.exited;
    publishStall.stop();
    expect(exit.code, p.stderr + p.stdout.slice(-3000)).toBe(0);
    const summary = p.lastLog("producer stopped") as unknown as ProducerSummary;
    const logs = p.logs();
    const acked = new Set(logs.filter((l) => l.msg === "published").map((l) => String(l.id)));
    expect(acked.size).toBe(summary.stored + summary.duplicates);
    consumer ??= await startConsumer();
    await waitFor(`${acked.size} effects`, async () => (await effects()) >= acked.size, {
      timeoutMs: 90_000,
    });
    applyStall.stop();
    await expectDepthAgrees(props.cluster);
    const exitC = await consumer.kill("SIGTERM");
    expect(exitC.code, consumer.stderr).toBe(0);
    const consumerSummary = consumer.lastLog("consumer stopped") as unknown as ConsumerSummary;
    const audit = await auditSink(sinkDir);
    const counts: FaultCounts = {
      attempted: summary.created,
      acknowledged: acked.size,
      processed: audit.applied.size,
      lost: [...acked].filter((id) => !audit.applied.has(id)).length,
      duplicateDeliveries: consumerSummary.duplicate,
      duplicateEffects: audit.duplicateEffects,
      publishRetries: logs.filter((l) => l.msg === "publish attempt failed").length,
      longestPublishStallMs: Math.round(publishStall.longestMs),
      longestApplyStallMs: Math.round(applyStall.longestMs),
    };
    console.log(
      `[nats cluster] ${props.name}: ${Object.entries(counts)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}`,
    );
    expect(counts.lost).toBe(0);
    expect(counts.duplicateEffects).toBe(0);
    expect(counts.acknowledged).toBe(props.count);
    return counts;
  } finally {
    publishStall.stop();
    applyStall.stop();
    await AppProcess.killAll();
    await rm(sinkDir, { recursive: true, force: true });
  }
}

/** The queue depth the apps and KEDA read (leader-aware /jsz) equals the leader's JetStream API answer. */
async function expectDepthAgrees(cluster: NatsCluster): Promise<void> {
  const nc = await connect({ servers: cluster.url.split(",") });
  try {
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    await waitFor("queue depth read through /jsz equal to the JetStream API's", async () => {
      const info = await jsm.consumers.info(APP_NAMES.stream, APP_NAMES.consumerGroup);
      const depth = await fetchQueueDepth({
        monitorUrl: cluster.monitorUrl,
        account: "$G",
        stream: APP_NAMES.stream,
        consumer: APP_NAMES.consumerGroup,
      });
      return depth.pending === info.num_pending && depth.ackPending === info.num_ack_pending;
    });
  } finally {
    await nc.close();
  }
}

/** Longest interval between two increases of a count, sampled every 50 ms. */
class StallMeter {
  longestMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private last = -1;
  private lastChange = 0;

  constructor(private readonly read: () => Promise<number>) {}

  start(): void {
    this.lastChange = performance.now();
    this.timer = setInterval(() => {
      void this.read().then(
        (value) => {
          const now = performance.now();
          if (value !== this.last) {
            if (this.last >= 0) this.longestMs = Math.max(this.longestMs, now - this.lastChange);
            this.last = value;
            this.lastChange = now;
          }
        },
        () => {},
      );
    }, 50);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
