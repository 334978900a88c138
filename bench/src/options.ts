/**
 * Options of `npm run bench`: command-line flags, falling back to `BENCH_*` environment variables,
 * falling back to the defaults below (the one place for them).
 */
import { parseCli, usageError, type CliOption, type CliSpec } from "../../tooling/cli.js";

/** Broker adapters the bench can measure. */
export type BenchBroker = "nats" | "memphis";
export const BENCH_BROKERS: readonly BenchBroker[] = ["nats", "memphis"];

/** Scenarios, in the order they run within a repetition. */
export type ScenarioName = "consumer" | "group" | "manifest" | "producer" | "rate" | "latency" | "cold-start";
export const SCENARIO_NAMES: readonly ScenarioName[] = [
  "consumer",
  "group",
  "manifest",
  "producer",
  "rate",
  "latency",
  "cold-start",
];

/** Everything a bench run is configured with. */
export interface BenchOptions {
  /**
   * Repetitions of every measurement (app and baseline runs interleaved).
   * @default 5
   */
  readonly runs: number;
  /**
   * Messages pre-filled for the consumer throughput run and published in the producer throughput run.
   * @default 20000
   */
  readonly messages: number;
  /**
   * Consumer group sizes of the scaling runs (app group vs raw group of the same size).
   * @default [1, 2, 4]
   */
  readonly groupSizes: readonly number[];
  /**
   * Work pre-filled for a run at the manifests' settings, in time at the ideal rate.
   * @default 5000
   */
  readonly manifestWindowMs: number;
  /**
   * Target rates (msg/s) of the rate-accuracy runs.
   * @default [10, 1000, 5000]
   */
  readonly rates: readonly number[];
  /**
   * Measured window of a rate-accuracy run (after `warmupMs`).
   * @default 5000
   */
  readonly rateWindowMs: number;
  /**
   * Producer rate (msg/s) of the end-to-end latency runs.
   * @default 1000
   */
  readonly latencyRate: number;
  /**
   * Duration of an end-to-end latency run (messages = rate × window).
   * @default 5000
   */
  readonly latencyWindowMs: number;
  /**
   * Time discarded at the start of rate and latency runs (connection set-up, JIT warm-up).
   * @default 1000
   */
  readonly warmupMs: number;
  /**
   * Producer in-flight bound, for the app (MAX_IN_FLIGHT) and the raw publish loop alike.
   * @default 256
   */
  readonly maxInFlight: number;
  /**
   * Envelope payload size (PAYLOAD_BYTES), for the app and the raw loops alike.
   * @default 64
   */
  readonly payloadBytes: number;
  /**
   * Brokers to measure.
   * @default ["nats", "memphis"]
   */
  readonly brokers: readonly BenchBroker[];
  /**
   * Scenarios to run.
   * @default every scenario
   */
  readonly scenarios: readonly ScenarioName[];
  /**
   * Coefficient of variation (calibration loop or baseline runs) above which the machine is reported noisy.
   * @default 0.1
   */
  readonly noiseThreshold: number;
  /**
   * Interval of the broker polls that time throughput runs.
   * @default 20
   */
  readonly pollIntervalMs: number;
  /**
   * Upper bound of any single wait (a run that does not finish in time fails the bench, never hangs).
   * @default 120000
   */
  readonly deadlineMs: number;
  /**
   * Results file.
   * @default "bench/results.json"
   */
  readonly out: string;
  /**
   * Also write a dated record `bench/records/<date>.json` to commit, and its peak memory figures
   * into cdk8s/data/peak-rss.json (the manifests' memory limits).
   * @default false
   */
  readonly record: boolean;
  /**
   * Progress lines on stderr.
   * @default true
   */
  readonly verbose: boolean;
  /**
   * Measure the apps already in dist/ instead of building them first (the tests build once).
   * @default false
   */
  readonly skipBuild: boolean;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  runs: 5,
  messages: 20_000,
  groupSizes: [1, 2, 4],
  manifestWindowMs: 5_000,
  rates: [10, 1000, 5000],
  rateWindowMs: 5_000,
  latencyRate: 1000,
  latencyWindowMs: 5_000,
  warmupMs: 1_000,
  maxInFlight: 256,
  payloadBytes: 64,
  brokers: BENCH_BROKERS,
  scenarios: SCENARIO_NAMES,
  noiseThreshold: 0.1,
  pollIntervalMs: 20,
  deadlineMs: 120_000,
  out: "bench/results.json",
  record: false,
  verbose: true,
  skipBuild: false,
};

/** `--smoke`: the smallest run that still exercises every section (for the smoke test). */
export const SMOKE_OPTIONS: Partial<BenchOptions> = {
  runs: 1,
  messages: 1_000,
  rateWindowMs: 500,
  latencyWindowMs: 500,
  warmupMs: 200,
  deadlineMs: 40_000,
  groupSizes: [1, 2],
  manifestWindowMs: 1_000,
};

/** The flags; each also as a `BENCH_<NAME>` variable (e.g. BENCH_RUNS=3), the flag winning. */
export const BENCH_CLI = {
  usage: "npm run bench -- [flags]",
  description:
    "Measures the apps against raw-client baselines on this machine: a table, the results JSON and, with\n" +
    "--record, a dated record to commit. Every flag also reads a BENCH_<NAME> variable, e.g. BENCH_RUNS=3.",
  options: {
    runs: {
      type: "string",
      valueName: "N",
      help: `repetitions, app and baseline interleaved (default ${DEFAULT_OPTIONS.runs})`,
    },
    messages: {
      type: "string",
      valueName: "N",
      help: `messages of the throughput runs (default ${DEFAULT_OPTIONS.messages})`,
    },
    "group-sizes": {
      type: "string",
      valueName: "a,b,c",
      help: `consumer group sizes of the scaling runs (default ${DEFAULT_OPTIONS.groupSizes.join(",")})`,
    },
    "manifest-window-ms": {
      type: "string",
      valueName: "N",
      help: `work pre-filled for the manifest-settings run (default ${DEFAULT_OPTIONS.manifestWindowMs})`,
    },
    rates: {
      type: "string",
      valueName: "a,b,c",
      help: `rate-accuracy targets in msg/s (default ${DEFAULT_OPTIONS.rates.join(",")})`,
    },
    "rate-window-ms": {
      type: "string",
      valueName: "N",
      help: `measured window per rate (default ${DEFAULT_OPTIONS.rateWindowMs})`,
    },
    "latency-rate": {
      type: "string",
      valueName: "N",
      help: `msg/s of the latency runs (default ${DEFAULT_OPTIONS.latencyRate})`,
    },
    "latency-window-ms": {
      type: "string",
      valueName: "N",
      help: `duration of a latency run (default ${DEFAULT_OPTIONS.latencyWindowMs})`,
    },
    "warmup-ms": {
      type: "string",
      valueName: "N",
      help: `discarded start of rate/latency runs (default ${DEFAULT_OPTIONS.warmupMs})`,
    },
    "max-in-flight": {
      type: "string",
      valueName: "N",
      help: `producer in-flight bound (default ${DEFAULT_OPTIONS.maxInFlight})`,
    },
    "payload-bytes": {
      type: "string",
      valueName: "N",
      help: `envelope payload size (default ${DEFAULT_OPTIONS.payloadBytes})`,
    },
    brokers: { type: "string", valueName: "nats,memphis", help: "brokers to measure (default both)" },
    scenarios: { type: "string", valueName: "list", help: `${SCENARIO_NAMES.join(",")} (default all)` },
    "noise-threshold": {
      type: "string",
      valueName: "X",
      help: `CV above which the machine is reported noisy (default ${DEFAULT_OPTIONS.noiseThreshold})`,
    },
    "poll-interval-ms": {
      type: "string",
      valueName: "N",
      help: `broker poll interval of throughput timing (default ${DEFAULT_OPTIONS.pollIntervalMs})`,
    },
    "deadline-ms": {
      type: "string",
      valueName: "N",
      help: `bound of any single wait (default ${DEFAULT_OPTIONS.deadlineMs})`,
    },
    out: { type: "string", valueName: "FILE", help: `results JSON (default ${DEFAULT_OPTIONS.out})` },
    record: { type: "boolean", help: "also write bench/records/<date>.json and cdk8s/data/peak-rss.json" },
    smoke: {
      type: "boolean",
      help: `tiny run: 1 repetition, ${SMOKE_OPTIONS.messages} messages, 0.5 s windows`,
    },
    quiet: { type: "boolean", help: "no progress lines" },
    "skip-build": { type: "boolean", help: "measure the apps already in dist/ (no npm run build first)" },
  },
} as const satisfies CliSpec<Record<string, CliOption>>;

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw usageError(BENCH_CLI, `--${name} must be a positive integer, got "${raw}"`);
  return value;
}

function positiveNumber(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw usageError(BENCH_CLI, `--${name} must be a positive number, got "${raw}"`);
  return value;
}

function list<T extends string>(name: string, raw: string, allowed: readonly T[]): T[] {
  const items = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const bad = items.filter((s) => !(allowed as readonly string[]).includes(s));
  if (items.length === 0 || bad.length > 0)
    throw usageError(BENCH_CLI, `--${name} must be a list of ${allowed.join("|")}, got "${raw}"`);
  return items as T[];
}

/**
 * Parse flags (`argv` without node and script) with `BENCH_*` variables of `env` as fallback.
 * Throws `CliExit`: 0 with the usage for --help, 2 naming the bad flag and value (with the usage).
 */
export function parseBenchOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): BenchOptions {
  const flags = parseCli(BENCH_CLI, argv).values as Record<string, string | boolean | undefined>;
  const text = (name: string): string | undefined => {
    const flag = flags[name];
    if (typeof flag === "string") return flag;
    return env[`BENCH_${name.toUpperCase().replace(/-/g, "_")}`];
  };
  const bool = (name: string): boolean => {
    if (flags[name] === true) return true;
    const raw = env[`BENCH_${name.toUpperCase().replace(/-/g, "_")}`];
    return raw === "1" || raw === "true";
  };
  const base: BenchOptions = bool("smoke") ? { ...DEFAULT_OPTIONS, ...SMOKE_OPTIONS } : DEFAULT_OPTIONS;
  const int = (name: string, fallback: number): number => {
    const raw = text(name);
    return raw === undefined ? fallback : positiveInteger(name, raw);
  };
  const rawRates = text("rates");
  const rawGroupSizes = text("group-sizes");
  const rawBrokers = text("brokers");
  const rawScenarios = text("scenarios");
  const rawThreshold = text("noise-threshold");
  return {
    runs: int("runs", base.runs),
    messages: int("messages", base.messages),
    groupSizes:
      rawGroupSizes === undefined
        ? base.groupSizes
        : rawGroupSizes.split(",").map((n) => positiveInteger("group-sizes", n.trim())),
    manifestWindowMs: int("manifest-window-ms", base.manifestWindowMs),
    rates:
      rawRates === undefined ? base.rates : rawRates.split(",").map((r) => positiveNumber("rates", r.trim())),
    rateWindowMs: int("rate-window-ms", base.rateWindowMs),
    latencyRate: int("latency-rate", base.latencyRate),
    latencyWindowMs: int("latency-window-ms", base.latencyWindowMs),
    warmupMs: int("warmup-ms", base.warmupMs),
    maxInFlight: int("max-in-flight", base.maxInFlight),
    payloadBytes: int("payload-bytes", base.payloadBytes),
    brokers: rawBrokers === undefined ? base.brokers : list("brokers", rawBrokers, BENCH_BROKERS),
    scenarios: rawScenarios === undefined ? base.scenarios : list("scenarios", rawScenarios, SCENARIO_NAMES),
    noiseThreshold:
      rawThreshold === undefined ? base.noiseThreshold : positiveNumber("noise-threshold", rawThreshold),
    pollIntervalMs: int("poll-interval-ms", base.pollIntervalMs),
    deadlineMs: int("deadline-ms", base.deadlineMs),
    out: text("out") ?? base.out,
    record: bool("record"),
    verbose: !bool("quiet"),
    skipBuild: bool("skip-build"),
  };
}
