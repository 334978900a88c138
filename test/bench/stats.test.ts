import { describe, expect, it } from "vitest";
import { noiseReport } from "../../bench/src/bench.js";
import { parseNanoTimestamp, rateFromSamples } from "../../bench/src/probes.js";
import { quantile, summarize } from "../../bench/src/stats.js";

describe("summarize", () => {
  it("gives median, quartiles, min, max and CV", () => {
    const s = summarize([5, 1, 3, 2, 4]);
    expect(s).toMatchObject({ n: 5, median: 3, min: 1, max: 5, q1: 2, q3: 4 });
    expect(s.cv).toBeCloseTo(Math.sqrt(2.5) / 3, 10);
    expect(s.values).toEqual([5, 1, 3, 2, 4]);
  });

  it("has zero spread for one value", () => {
    expect(summarize([7])).toMatchObject({ n: 1, median: 7, min: 7, max: 7, cv: 0 });
  });

  it("refuses no values and non-finite values", () => {
    expect(() => summarize([])).toThrow(/no values/);
    expect(() => summarize([1, Number.NaN])).toThrow(/non-finite value: NaN/);
  });

  it("interpolates quantiles", () => {
    expect(quantile([0, 10], 0.99)).toBeCloseTo(9.9, 10);
    expect(() => quantile([1], 1.5)).toThrow(/q must be in \[0, 1\], got 1.5/);
  });
});

describe("rateFromSamples", () => {
  it("times from the first progress to the target", () => {
    const samples = [
      { at: 0, count: 0 },
      { at: 100, count: 50 },
      { at: 1100, count: 1050 },
    ];
    expect(rateFromSamples(samples, 1050)).toBeCloseTo(1000, 10);
  });

  it("falls back to the last idle sample when the run fits in one poll", () => {
    const samples = [
      { at: 0, count: 0 },
      { at: 20, count: 100 },
    ];
    expect(rateFromSamples(samples, 100)).toBeCloseTo(5000, 10);
  });
});

describe("parseNanoTimestamp", () => {
  it("keeps sub-millisecond precision", () => {
    expect(parseNanoTimestamp("2025-01-02T03:04:05.123456789Z")).toBeCloseTo(
      Date.parse("2025-01-02T03:04:05Z") + 123.456789,
      6,
    );
    expect(() => parseNanoTimestamp("yesterday")).toThrow(/not an RFC 3339 timestamp: "yesterday"/);
  });
});

describe("noiseReport", () => {
  const steady = summarize([100, 101, 99, 100, 100]);

  it("is quiet when calibration and baselines are steady", () => {
    const report = noiseReport(steady, steady, 0.02, 0.1, [0.2, 0.2, 0.2], 2);
    expect(report.noisy).toBe(false);
    expect(report.reasons).toEqual([]);
  });

  it("names every reason for a noisy machine", () => {
    const slower = summarize([150, 160, 140, 155, 150]);
    const report = noiseReport(steady, slower, 0.3, 0.1, [3.5, 2, 1], 2);
    expect(report.noisy).toBe(true);
    expect(report.reasons.join("\n")).toMatch(/calibration loop CV/);
    expect(report.reasons.join("\n")).toMatch(/drifted 50\.0%/);
    expect(report.reasons.join("\n")).toMatch(/raw baseline runs CV up to 30\.0%/);
    expect(report.reasons.join("\n")).toMatch(/load average 3\.5 at start on 2 cores/);
  });
});
