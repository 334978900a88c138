/**
 * Smoke test of `npm run bench`: the real harness with a tiny message count and one repetition on
 * both brokers, through the CLI. It checks that every section of the results JSON is there with
 * numbers and ratios — never whether a speed target was met (that is the bench's job, not a test's).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchResults, Comparison } from "../../bench/src/results.js";
import type { Summary } from "../../bench/src/stats.js";

const root = join(import.meta.dirname, "..", "..");

function expectSummary(s: Summary | undefined, label: string): void {
  expect(s, label).toBeDefined();
  const summary = s as Summary;
  expect(summary.n, label).toBeGreaterThanOrEqual(1);
  for (const key of ["median", "min", "max", "q1", "q3", "cv"] as const) {
    expect(Number.isFinite(summary[key]), `${label}.${key}`).toBe(true);
  }
  expect(summary.min, label).toBeLessThanOrEqual(summary.max);
}

function expectComparison(c: Comparison | undefined, label: string): void {
  expect(c, label).toBeDefined();
  const comparison = c as Comparison;
  expectSummary(comparison.app, `${label}.app`);
  expectSummary(comparison.raw, `${label}.raw`);
  expect(comparison.app.median, `${label}.app`).toBeGreaterThan(0);
  expect(comparison.raw.median, `${label}.raw`).toBeGreaterThan(0);
  expect(comparison.ratio, `${label}.ratio`).toBeCloseTo(comparison.app.median / comparison.raw.median, 6);
  expect(typeof comparison.meetsTarget, `${label}.meetsTarget`).toBe("boolean");
}

describe("npm run bench --smoke", () => {
  let dir: string;
  let results: BenchResults;
  let stdout: string;

  beforeAll(async () => {
    expect(existsSync(join(root, "dist/apps/consumer/main.js")), "run `npm run build` first").toBe(true);
    dir = await mkdtemp(join(tmpdir(), "bench-smoke-"));
    const out = join(dir, "results.json");
    const run = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        join(root, "bench/src/main.ts"),
        "--smoke",
        "--skip-build",
        "--quiet",
        "--out",
        out,
      ],
      { cwd: root, encoding: "utf8", timeout: 150_000, env: { ...process.env } },
    );
    stdout = run.stdout;
    expect(run.status, `bench exited ${run.status}:\n${run.stdout}\n${run.stderr}`).toBe(0);
    results = JSON.parse(await readFile(out, "utf8")) as BenchResults;
  }, 180_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("describes the machine and the noise", () => {
    expect(results.machine.node).toBe(process.version);
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(results.machine.loadAverage).toHaveLength(3);
    expect(Number.isNaN(Date.parse(results.machine.date))).toBe(false);
    expectSummary(results.noise.calibrationBefore, "calibrationBefore");
    expectSummary(results.noise.calibrationAfter, "calibrationAfter");
    expect(typeof results.noise.noisy).toBe("boolean");
    expect(results.noise.noisy).toBe(results.noise.reasons.length > 0);
    expect(results.errors).toEqual([]);
  });

  it.each(["nats", "memphis"] as const)("has every section with numbers and ratios for %s", (broker) => {
    const r = results.brokers[broker];
    expect(r, broker).toBeDefined();
    if (!r) return;
    expectComparison(r.consumerThroughput, "consumerThroughput");
    expectComparison(r.consumerThroughputConfirmedAck, "consumerThroughputConfirmedAck");
    expect(r.consumerGroup?.map((g) => g.size)).toEqual(results.options.groupSizes);
    for (const group of r.consumerGroup ?? []) {
      expectComparison(group, `consumerGroup ${group.size}`);
      expect(group.appScaling).toBeGreaterThan(0);
      expect(group.rawScaling).toBeGreaterThan(0);
    }
    expect(r.manifestSettings?.map((m) => m.environment)).toEqual(["dev", "prod"]);
    for (const m of r.manifestSettings ?? []) {
      expectSummary(m.achieved, `manifest ${m.environment}`);
      expect(m.ratio).toBeCloseTo(m.achieved.median / m.ideal, 6);
      expect(m.ideal).toBe((m.concurrency * 1000) / m.workTimeMs);
    }
    expectComparison(r.producerThroughput, "producerThroughput");
    expectComparison(r.latencyP50, "latencyP50");
    expectComparison(r.latencyP99, "latencyP99");
    expectComparison(r.peakRssConsumer, "peakRssConsumer");
    expectComparison(r.peakRssProducer, "peakRssProducer");
    expect(r.rateAccuracy?.map((a) => a.targetPerSecond)).toEqual(results.options.rates);
    for (const rate of r.rateAccuracy ?? []) {
      expectSummary(rate.achieved, `rate ${rate.targetPerSecond}`);
      expect(rate.ratio).toBeGreaterThan(0);
    }
    expectComparison(r.coldStart, "coldStart");
    expectSummary(r.coldStart?.nodeFloor, "coldStart.nodeFloor");
    expectComparison(r.idleDrain, "idleDrain");
  });

  it("prints the table with the machine line", () => {
    expect(stdout).toContain(`Node ${process.version}`);
    expect(stdout).toMatch(/\| nats \| consumer throughput \(msg\/s\) \|/);
    expect(stdout).toMatch(/\| memphis \| latency p99/);
  });
});
