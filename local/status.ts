/**
 * The live status of a local run, sampled once a second from the apps' /metrics, the broker's
 * queue depth and the scaler: achieved publish rate, lag, the scaler's desired count, ready/total
 * consumers, consumer throughput and end-to-end latency p99 over the last few seconds. A row fits
 * 80 columns (`STATUS_WIDTH`).
 */
import type { QueueDepth } from "../src/broker/port.js";
import { bucketQuantile, MetricSet } from "../testkit/metrics-text.js";

/** The consumers' side as the scaler (or the fixed count) sees it. */
export interface ReplicaCounts {
  /** The scaler's last recommendation; undefined with a fixed count. */
  readonly desired: number | undefined;
  readonly ready: number;
  readonly total: number;
}

export interface StatusSample {
  readonly atMs: number;
  readonly producer: MetricSet | undefined;
  /** Each running consumer's metrics, by pod name (replicas come and go). */
  readonly consumers: ReadonlyMap<string, MetricSet>;
  readonly depth: QueueDepth | undefined;
  readonly replicas: ReplicaCounts;
}

export interface StatusRow {
  readonly elapsedSeconds: number;
  readonly publishRate: number | undefined;
  readonly lag: number | undefined;
  readonly replicas: ReplicaCounts;
  readonly consumeRate: number | undefined;
  readonly p99Ms: number | undefined;
  readonly published: number;
  readonly processed: number;
}

const LATENCY = "consumer_end_to_end_latency_seconds";
const published = (m: MetricSet | undefined) => m?.value("producer_messages_published_total") ?? 0;
const processed = (m: MetricSet) => m.value("consumer_messages_total", { outcome: "processed" });

/** Keeps the last `window` samples; `add()` compares the newest with the oldest. */
export class StatusWindow {
  private readonly samples: StatusSample[] = [];
  /** Last counts read: they stay on screen once the producer or a consumer has exited. */
  private lastPublished = 0;
  private readonly processedByPod = new Map<string, number>();
  /** Processed totals of the samples in the window, oldest first. */
  private readonly processedTotals: number[] = [];

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
    // Latency over the pods present in both samples; counts over every pod ever seen.
    const both = [...sample.consumers.keys()].filter((name) => first.consumers.has(name));
    const merged = (from: StatusSample) => MetricSet.merge(both.map((name) => from.consumers.get(name)!));
    const p99 = bucketQuantile(0.99, merged(sample).buckets(LATENCY), merged(first).buckets(LATENCY));
    if (sample.producer !== undefined) this.lastPublished = published(sample.producer);
    for (const [name, metrics] of sample.consumers) this.processedByPod.set(name, processed(metrics));
    const total = [...this.processedByPod.values()].reduce((a, b) => a + b, 0);
    this.processedTotals.push(total);
    if (this.processedTotals.length > this.samples.length) this.processedTotals.shift();
    return {
      elapsedSeconds: (sample.atMs - this.startedAtMs) / 1000,
      publishRate: rate(published(sample.producer), published(first.producer)),
      lag: sample.depth?.total,
      replicas: sample.replicas,
      consumeRate: rate(total, this.processedTotals[0]!),
      p99Ms: p99 === undefined ? undefined : p99 * 1000,
      published: this.lastPublished,
      processed: total,
    };
  }
}

/** Widest a status row or header gets: fits an 80-column terminal. */
export const STATUS_WIDTH = 80;

const fmt = (v: number | undefined, digits = 1) => (v === undefined ? "-" : v.toFixed(digits));
const COLUMNS = [
  ["time", 6],
  ["publish/s", 9],
  ["lag", 7],
  ["desired", 7],
  ["ready/total", 11],
  ["consume/s", 9],
  ["p99 ms", 7],
  ["processed", 9],
] as const;

export const STATUS_HEADER = COLUMNS.map(([name, width]) => name.padStart(width)).join("  ");

export function formatStatus(row: StatusRow): string {
  const cells = [
    `${row.elapsedSeconds.toFixed(0)}s`,
    fmt(row.publishRate),
    fmt(row.lag, 0),
    fmt(row.replicas.desired, 0),
    `${row.replicas.ready}/${row.replicas.total}`,
    fmt(row.consumeRate),
    fmt(row.p99Ms),
    String(row.processed),
  ];
  return cells.map((cell, i) => cell.padStart(COLUMNS[i]![1])).join("  ");
}
