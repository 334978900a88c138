import { describe, expect, it } from "vitest";
import { DEFAULT_OPTIONS, SMOKE_OPTIONS, parseBenchOptions } from "../../bench/src/options.js";

describe("parseBenchOptions", () => {
  it("uses the defaults with no flags", () => {
    expect(parseBenchOptions([], {})).toEqual(DEFAULT_OPTIONS);
  });

  it("takes flags over BENCH_* variables", () => {
    const options = parseBenchOptions(["--runs", "3", "--brokers", "nats"], {
      BENCH_RUNS: "7",
      BENCH_MESSAGES: "500",
    });
    expect(options).toMatchObject({ runs: 3, messages: 500, brokers: ["nats"] });
  });

  it("applies the smoke preset, still overridable", () => {
    expect(parseBenchOptions(["--smoke"], {})).toMatchObject(SMOKE_OPTIONS);
    expect(parseBenchOptions(["--smoke", "--runs", "2"], {})?.runs).toBe(2);
  });

  it("parses lists and rates below 1", () => {
    expect(parseBenchOptions(["--rates", "0.5, 10", "--scenarios", "rate,cold-start"], {})).toMatchObject({
      rates: [0.5, 10],
      scenarios: ["rate", "cold-start"],
    });
  });

  it("names the bad flag and value", () => {
    expect(() => parseBenchOptions(["--runs", "0"], {})).toThrow(
      /--runs must be a positive integer, got "0"/,
    );
    expect(() => parseBenchOptions([], { BENCH_MESSAGES: "many" })).toThrow(
      /--messages must be a positive integer, got "many"/,
    );
    expect(() => parseBenchOptions(["--brokers", "kafka"], {})).toThrow(
      /--brokers must be a list of nats\|memphis, got "kafka"/,
    );
    expect(() => parseBenchOptions(["--rates", "10,-1"], {})).toThrow(
      /--rates must be a positive number, got "-1"/,
    );
    expect(() => parseBenchOptions(["--bogus"], {})).toThrow(/bogus/);
  });

  it("returns undefined for --help", () => {
    expect(parseBenchOptions(["--help"], {})).toBeUndefined();
  });
});
