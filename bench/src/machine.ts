/**
 * What the numbers were measured on, and how noisy the machine was: a fixed CPU-bound calibration
 * loop timed before and after the bench (drift) and repeated (spread).
 */
import { createHash } from "node:crypto";
import { cpus, loadavg, totalmem } from "node:os";
import { summarize, type Summary } from "./stats.js";

/** The machine and runtime a result belongs to. */
export interface MachineInfo {
  /** ISO timestamp of the start of the run. */
  readonly date: string;
  readonly node: string;
  readonly platform: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryMebibytes: number;
  /** 1, 5 and 15 minute load averages. */
  readonly loadAverage: readonly number[];
}

export function machineInfo(now: Date = new Date()): MachineInfo {
  const cpuList = cpus();
  return {
    date: now.toISOString(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpuModel: cpuList[0]?.model.trim() ?? "unknown",
    cores: cpuList.length,
    memoryMebibytes: Math.round(totalmem() / 1024 / 1024),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/**
 * Calibration loop: SHA-256 of a 1 KiB buffer `iterations` times, chained so nothing is optimised
 * away. Fixed work: its duration changes only with the machine's speed and load.
 */
export function calibrationLoopMs(iterations = 20_000): number {
  const digest = Buffer.alloc(1024, 7);
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const next = createHash("sha256").update(digest).digest();
    next.copy(digest);
  }
  const elapsed = performance.now() - started;
  if (digest.length !== 1024) throw new Error("calibration buffer changed size");
  return elapsed;
}

/** Durations (ms) of `repetitions` calibration loops. */
export function calibrate(repetitions = 5): Summary {
  calibrationLoopMs(2_000); // warm-up: JIT and crypto initialisation
  const values: number[] = [];
  for (let i = 0; i < repetitions; i++) values.push(calibrationLoopMs());
  return summarize(values);
}
