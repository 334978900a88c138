/**
 * Memory limits from measurement: the highest peak RSS (VmHWM) the benchmark recorded for an app on
 * a broker, plus headroom, rounded up. The figure comes from the newest committed bench record
 * (`npm run bench -- --record` writes bench/records/<date>.json), so a heavier build that is
 * benchmarked raises the limits at the next synth. memphis-dev loads NestJS: the Memphis apps peak
 * near 148 MiB against 135 MiB on NATS (bench/records/2026-11-24.json).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BrokerKind } from "../../src/broker/port.js";
import type { AppName } from "./labels.js";

export const MEMORY_SIZING = {
  /** Limit = peak × this. */
  headroom: 1.25,
  /** Limits are whole multiples of this (MiB). */
  stepMebibytes: 16,
} as const;

export const BENCH_RECORDS_DIR = join(import.meta.dirname, "..", "..", "bench", "records");

interface BenchRecord {
  readonly brokers: Record<
    string,
    Record<string, { readonly unit: string; readonly app: { readonly max: number } }>
  >;
}

/** The newest bench record file name (records are named by date, `YYYY-MM-DD.json`). */
export function newestBenchRecord(dir: string = BENCH_RECORDS_DIR): string {
  const newest = readdirSync(dir)
    .filter((f) => /^\d{4}-\d{2}-\d{2}\.json$/.test(f))
    .sort()
    .at(-1);
  if (newest === undefined) throw new Error(`no bench record in ${dir}: run npm run bench -- --record`);
  return newest;
}

/** Highest recorded peak RSS (MiB) of `app` on `broker` in the newest record. */
export function recordedPeakRssMebibytes(
  broker: BrokerKind,
  app: AppName,
  dir: string = BENCH_RECORDS_DIR,
): number {
  const file = join(dir, newestBenchRecord(dir));
  const record = JSON.parse(readFileSync(file, "utf8")) as BenchRecord;
  const metric = record.brokers[broker]?.[app === "consumer" ? "peakRssConsumer" : "peakRssProducer"];
  if (metric === undefined || metric.unit !== "MiB")
    throw new Error(`${file}: no peak RSS in MiB for ${app} on ${broker}`);
  return metric.app.max;
}

/** The memory limit of `app` on `broker`: recorded peak × headroom, rounded up to the step. */
export function memoryLimitFromBench(
  broker: BrokerKind,
  app: AppName,
  dir: string = BENCH_RECORDS_DIR,
): number {
  const { headroom, stepMebibytes } = MEMORY_SIZING;
  return Math.ceil((recordedPeakRssMebibytes(broker, app, dir) * headroom) / stepMebibytes) * stepMebibytes;
}
