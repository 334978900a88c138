/**
 * The live status of a local run, sampled once a second from the apps' /metrics and the broker's
 * queue depth: target and achieved publish rate, queue depth, consumer throughput, and end-to-end
 * latency p50/p99 over the last few seconds.
 */
import type { QueueDepth } from "../../../src/broker/port.js";
import type { MetricSet } from "../metrics-text.js";
import { bucketQuantile } from "../metrics-text.js";

export interface StatusSample {
  readonly atMs: number;
  readonly producer: MetricSet | undefined;
  readonly consumers: MetricSet;
  readonly depth: QueueDepth | undefined;
}

export interface StatusRow {
  readonly elapsedSeconds: number;
  readonly targetRate: number | undefined;
  readonly publishRate: number | undefined;
  readonly pending: number | undefined;
  readonly ackPending: number | undefined;
  readonly consumeRate: number | undefined;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly published: number;
  readonly processed: number;
}

const LATENCY = "consumer_end_to_end_latency_seconds";
const published = (m: MetricSet | undefined) => m?.value("producer_messages_published_total") ?? 0;
const processed = (m: MetricSet) => m.value("consumer_messages_total", { outcome: "processed" });

/** Keeps the last `window` samples; `row()` compares the newest with the oldest. */
export class StatusWindow {
  private readonly samples: StatusSample[] = [];
  /** Last count read from the producer: it stays on screen once the producer has exited. */
  private lastPublished = 0;

  constructor(
    private readonly startedAtMs: number,
    private readonly window = 5,
  ) {}

  add(sample: StatusSample): StatusRow {
    this.samples.push(sample);
    if (this.samples.length > this.window + 1) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (sample.atMs - first.atMs) / 1000;
    const rate = (now: number, before: number) =>
      seconds > 0 ? Math.max(0, now - before) / seconds : undefined;
    const before = first.consumers.buckets(LATENCY);
    const now = sample.consumers.buckets(LATENCY);
    const toMs = (v: number | undefined) => (v === undefined ? undefined : v * 1000);
    if (sample.producer !== undefined) this.lastPublished = published(sample.producer);
    return {
      elapsedSeconds: (sample.atMs - this.startedAtMs) / 1000,
      targetRate: sample.producer?.value("producer_target_rate_messages_per_second"),
      publishRate: rate(published(sample.producer), published(first.producer)),
      pending: sample.depth?.pending,
      ackPending: sample.depth?.ackPending,
      consumeRate: rate(processed(sample.consumers), processed(first.consumers)),
      p50Ms: toMs(bucketQuantile(0.5, now, before)),
      p99Ms: toMs(bucketQuantile(0.99, now, before)),
      published: this.lastPublished,
      processed: processed(sample.consumers),
    };
  }
}

const fmt = (v: number | undefined, digits = 1) => (v === undefined ? "-" : v.toFixed(digits));

export const STATUS_HEADER =
  "  time │ target/s │ publish/s │ pending │ ack-pend │ consume/s │ e2e p50 ms │ e2e p99 ms │ published │ processed";

export function formatStatus(row: StatusRow): string {
  return [
    `${row.elapsedSeconds.toFixed(0).padStart(5)}s`,
    fmt(row.targetRate, 2).padStart(8),
    fmt(row.publishRate).padStart(9),
    fmt(row.pending, 0).padStart(7),
    fmt(row.ackPending, 0).padStart(8),
    fmt(row.consumeRate).padStart(9),
    fmt(row.p50Ms).padStart(10),
    fmt(row.p99Ms).padStart(10),
    String(row.published).padStart(9),
    String(row.processed).padStart(9),
  ].join(" │ ");
}
