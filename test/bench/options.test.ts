import { describe, expect, it } from "vitest";
import { DEFAULT_OPTIONS, SMOKE_OPTIONS, parseBenchOptions } from "../../bench/src/options.js";
import { CliExit } from "../../tooling/cli.js";

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

  it("--help is a CliExit 0 with the usage in the shared format; a bad flag a CliExit 2", () => {
    const exitOf = (argv: string[]): CliExit => {
      try {
        parseBenchOptions(argv, {});
      } catch (error) {
        if (error instanceof CliExit) return error;
        throw error;
      }
      throw new Error(`${argv.join(" ")} parsed`);
    };
    const help = exitOf(["--help"]);
    expect(help.code).toBe(0);
    expect(help.message).toMatch(/^Usage: npm run bench -- \[flags\]\n/);
    expect(help.message).toContain("--skip-build");
    expect(exitOf(["--runs", "0"]).code).toBe(2);
    expect(exitOf(["--bogus"]).message).toContain("Usage: npm run bench");
  });
});
