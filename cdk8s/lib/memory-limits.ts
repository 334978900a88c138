/**
 * Memory limits from measurement: the highest peak RSS (VmHWM) the benchmark recorded for an app on
 * a broker, plus headroom, rounded up. The figures are data, cdk8s/data/peak-rss.json, which
 * `npm run bench -- --record` writes beside its dated record (bench/src/peak-rss.ts), so a heavier
 * build that is benchmarked and committed raises the limits at the next synth. memphis-dev loads
 * NestJS, so the Memphis apps peak higher than the NATS ones.
 */
import { join } from "node:path";
import { CONSUMER_SETTINGS } from "../../src/apps/consumer/contract.js";
import { CONSUMER_MEMORY } from "../../src/apps/consumer/memory.js";
import type { BrokerKind } from "../../src/broker/port.js";
import peakRss from "../data/peak-rss.json" with { type: "json" };
import type { AppSettings } from "./app-settings.js";
import type { AppName } from "./labels.js";

export const MEMORY_SIZING = {
  /** Limit = peak × this. */
  headroom: 1.25,
  /** Limits are whole multiples of this (MiB). */
  stepMebibytes: 16,
} as const;

/** The checked-in peak figures (what the bench step writes). */
export const PEAK_RSS_FILE = join(import.meta.dirname, "..", "data", "peak-rss.json");

/** Contents of cdk8s/data/peak-rss.json. */
export interface PeakRssFigures {
  /** The bench record the figures come from, relative to the repository root. */
  readonly record: string;
  /** Highest recorded peak RSS in MiB, per broker and app. */
  readonly peakRssMebibytes: Readonly<Record<BrokerKind, Readonly<Record<AppName, number>>>>;
}

/** The committed figures. */
export const PEAK_RSS: PeakRssFigures = peakRss;

/** The memory limit of `app` on `broker`: peak × headroom, rounded up to the step. */
export function memoryLimitMebibytes(
  broker: BrokerKind,
  app: AppName,
  figures: PeakRssFigures = PEAK_RSS,
): number {
  const { headroom, stepMebibytes } = MEMORY_SIZING;
  const peak = figures.peakRssMebibytes[broker][app];
  return Math.ceil((peak * headroom) / stepMebibytes) * stepMebibytes;
}

/**
 * The consumer's memory limit on `broker` with its `settings` (their BATCH_SIZE): the benchmark's limit (small payloads), or
 * what a full pull of maximal payloads needs (`CONSUMER_MEMORY`, measured with payloads just under
 * max_payload) on top of the broker's recorded process peak, whichever is higher. The benchmark
 * alone sizes for 64-byte payloads, which a producer is free to exceed up to max_payload.
 */
export function consumerMemoryLimitMebibytes(
  broker: BrokerKind,
  settings: AppSettings<typeof CONSUMER_SETTINGS>,
  figures: PeakRssFigures = PEAK_RSS,
): number {
  const batchSize = settings.BATCH_SIZE ?? CONSUMER_SETTINGS.BATCH_SIZE.default;
  const processPeak = figures.peakRssMebibytes[broker].consumer;
  return Math.max(
    memoryLimitMebibytes(broker, "consumer", figures),
    CONSUMER_MEMORY.neededMebibytes(batchSize, processPeak),
  );
}
