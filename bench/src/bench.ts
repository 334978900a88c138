/**
 * The bench: every scenario on every broker, `runs` times, app and raw baseline interleaved (the
 * order alternates each repetition so drift hits both), between two calibration passes.
 */
import { loadavg } from "node:os";
import { calibrate, calibrationLoopMs, machineInfo } from "./machine.js";
import type { BenchBroker, BenchOptions } from "./options.js";
import { assertAppsBuilt, compileBaselines, type Implementation } from "./processes.js";
import { ENVIRONMENT_NAMES } from "../../cdk8s/config.js";
import type {
  BenchResults,
  BrokerResults,
  Comparison,
  GroupScalingResult,
  ManifestSettingsResult,
  NoiseReport,
  ScenarioError,
} from "./results.js";
import { nodeFloorMs, runColdStart } from "./scenarios/cold-start.js";
import { runConsumerGroup } from "./scenarios/consumer-group.js";
import { runConsumerThroughput } from "./scenarios/consumer-throughput.js";
import { idealRate, manifestConsumerSettings, runManifestSettings } from "./scenarios/manifest-settings.js";
import { runLatency } from "./scenarios/latency.js";
import { runProducerThroughput } from "./scenarios/producer-throughput.js";
import { runRateAccuracy } from "./scenarios/rate-accuracy.js";
import { summarize, type Summary } from "./stats.js";

/** The performance targets the bench reports against (met or missed), in one place. */
export const TARGETS = {
  /** app / raw consumer throughput (one process and each group size), at least, per broker. */
  consumerThroughputRatio: { nats: 0.9, memphis: 0.8 } satisfies Record<BenchBroker, number>,
  /** app / raw producer throughput, at least. */
  producerThroughputRatio: 0.8,
  /** |achieved / target − 1|, at most. */
  rateError: 0.02,
  /** app p99 / raw p99, at most. */
  latencyP99Ratio: 2,
  /** app / raw cold start (spawn → first message processed), at most. */
  coldStartRatio: 1.5,
  /** app / raw consumer peak RSS, at most. */
  peakRssConsumerRatio: 1.5,
  /** Idle consumer SIGTERM → exit, below (ms). */
  idleDrainMs: 500,
} as const;

/** Raw consumer variant with the app's ack semantics: each ack awaited (`ackAck`). */
const CONFIRMED_ACK = { RAW_ACK: "confirmed" } as const;

/** Values collected per broker, metric and implementation, in run order. */
class Collector {
  private readonly values = new Map<string, number[]>();
  add(key: string, value: number | undefined): void {
    if (value === undefined || !Number.isFinite(value)) return;
    const list = this.values.get(key) ?? [];
    list.push(value);
    this.values.set(key, list);
  }
  summary(key: string): Summary | undefined {
    const list = this.values.get(key);
    return list && list.length > 0 ? summarize(list) : undefined;
  }
}

/** Records a throughput run's rate and its process's peak RSS (MiB), and logs the rate. */
function recordThroughput(
  collector: Collector,
  rateKey: string,
  rssKey: string,
  impl: Implementation,
  result: { messagesPerSecond: number; peakRssBytes?: number | undefined },
  log: (line: string) => void,
): void {
  collector.add(`${rateKey}/${impl}`, result.messagesPerSecond);
  collector.add(
    `${rssKey}/${impl}`,
    result.peakRssBytes === undefined ? undefined : result.peakRssBytes / MIB,
  );
  log(`  ${rateKey} ${impl}: ${result.messagesPerSecond.toFixed(0)} msg/s`);
}

function compare(
  collector: Collector,
  key: string,
  unit: string,
  target: string,
  meets: (ratio: number, app: Summary) => boolean,
): Comparison | undefined {
  const app = collector.summary(`${key}/app`);
  const raw = collector.summary(`${key}/raw`);
  if (!app || !raw) return undefined;
  const ratio = raw.median === 0 ? 0 : app.median / raw.median;
  return { unit, app, raw, ratio, target, meetsTarget: meets(ratio, app) };
}

const MIB = 1024 * 1024;

/** Run the whole bench; `log` gets progress lines. Never throws for a failing scenario (see `errors`). */
export async function runBench(
  options: BenchOptions,
  log: (line: string) => void = () => {},
): Promise<BenchResults> {
  assertAppsBuilt();
  log("compiling the raw baselines…");
  compileBaselines();
  const started = performance.now();
  const machine = machineInfo();
  log(`calibrating (before)…`);
  const calibrationBefore = calibrate();
  const calibrationDuring: number[] = [];
  const collectors = new Map<BenchBroker, Collector>(options.brokers.map((b) => [b, new Collector()]));
  const errors: ScenarioError[] = [];
  const failed = new Set<string>();

  const attempt = async (broker: BenchBroker, scenario: string, run: () => Promise<void>): Promise<void> => {
    const key = `${broker}/${scenario}`;
    if (failed.has(key)) return; // a scenario that failed once is not retried in later repetitions
    const startedAt = performance.now();
    try {
      await run();
      log(`    (${key}: ${((performance.now() - startedAt) / 1000).toFixed(1)} s)`);
    } catch (error) {
      failed.add(key);
      const message = (error as Error).message;
      errors.push({ broker, scenario, message });
      log(`  ! ${key} failed: ${message.split("\n")[0]}`);
    }
  };

  for (let rep = 0; rep < options.runs; rep++) {
    const order: Implementation[] = rep % 2 === 0 ? ["app", "raw"] : ["raw", "app"];
    for (const broker of options.brokers) {
      const c = collectors.get(broker) as Collector;
      log(`run ${rep + 1}/${options.runs} on ${broker} (${order.join(" then ")})`);
      for (const impl of order) {
        if (options.scenarios.includes("consumer"))
          await attempt(broker, "consumer", async () => {
            const r = await runConsumerThroughput(broker, impl, options);
            recordThroughput(c, "consumer", "rssConsumer", impl, r, log);
          });
        if (options.scenarios.includes("consumer") && impl === "raw")
          await attempt(broker, "consumer (raw, confirmed ack)", async () => {
            const r = await runConsumerThroughput(broker, "raw", options, CONFIRMED_ACK);
            c.add(`consumerConfirmed/raw`, r.messagesPerSecond);
            log(`  consumer raw, confirmed ack: ${r.messagesPerSecond.toFixed(0)} msg/s`);
          });
        if (options.scenarios.includes("group"))
          for (const size of options.groupSizes)
            await attempt(broker, `group of ${size}`, async () => {
              const rate = await runConsumerGroup(broker, impl, size, options);
              c.add(`group ${size}/${impl}`, rate);
              log(`  group of ${size} ${impl}: ${rate.toFixed(0)} msg/s`);
            });
        if (options.scenarios.includes("producer"))
          await attempt(broker, "producer", async () => {
            const r = await runProducerThroughput(broker, impl, options);
            recordThroughput(c, "producer", "rssProducer", impl, r, log);
          });
        if (options.scenarios.includes("latency"))
          await attempt(broker, "latency", async () => {
            const r = await runLatency(broker, impl, options);
            c.add(`p50/${impl}`, r.p50Ms);
            c.add(`p99/${impl}`, r.p99Ms);
            log(
              `  latency ${impl}: p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms (${r.measured} msgs)`,
            );
          });
      }
      if (options.scenarios.includes("manifest"))
        for (const environment of ENVIRONMENT_NAMES)
          await attempt(broker, `manifest ${environment}`, async () => {
            const rate = await runManifestSettings(broker, environment, options);
            c.add(`manifest ${environment}`, rate);
            log(
              `  app at the ${environment} settings: ${rate.toFixed(1)} msg/s (ideal ${idealRate(environment)})`,
            );
          });
      if (options.scenarios.includes("rate"))
        for (const rate of options.rates)
          await attempt(broker, `rate ${rate}`, async () => {
            const r = await runRateAccuracy(broker, rate, options);
            c.add(`rate ${rate}`, r.achievedPerSecond);
            log(
              `  rate ${rate}: achieved ${r.achievedPerSecond.toFixed(2)} msg/s (${r.messagesInWindow} msgs)`,
            );
          });
      if (options.scenarios.includes("cold-start")) {
        for (const impl of order)
          await attempt(broker, "cold-start", async () => {
            const r = await runColdStart(broker, impl, options);
            c.add(`coldStart/${impl}`, r.firstMessageMs);
            c.add(`drain/${impl}`, r.drainMs);
            if (r.exitCode !== 0)
              errors.push({
                broker,
                scenario: "cold-start",
                message: `${impl} consumer exited with ${r.exitCode} after SIGTERM (expected 0)`,
              });
            log(
              `  cold start ${impl}: ${r.firstMessageMs.toFixed(0)} ms; idle SIGTERM → exit ${r.drainMs.toFixed(0)} ms, code ${r.exitCode}`,
            );
          });
        await attempt(broker, "node floor", async () => c.add("coldStart/floor", await nodeFloorMs()));
      }
      // Calibration between blocks too: noise during the run, not only at its ends.
      calibrationDuring.push(calibrationLoopMs(), calibrationLoopMs());
    }
  }

  log(`calibrating (after)…`);
  const calibrationAfter = calibrate();
  const brokers: Partial<Record<BenchBroker, BrokerResults>> = {};
  let baselineCvMax = 0;
  for (const [broker, c] of collectors) {
    const result: BrokerResults = {};
    const consumerTarget = TARGETS.consumerThroughputRatio[broker];
    result.consumerThroughput = compare(
      c,
      "consumer",
      "msg/s",
      `ratio >= ${consumerTarget}`,
      (r) => r >= consumerTarget,
    );
    const confirmedRaw = c.summary("consumerConfirmed/raw");
    if (result.consumerThroughput && confirmedRaw) {
      const ratio =
        confirmedRaw.median === 0 ? 0 : result.consumerThroughput.app.median / confirmedRaw.median;
      result.consumerThroughputConfirmedAck = {
        ...result.consumerThroughput,
        raw: confirmedRaw,
        ratio,
        target: "informative",
        meetsTarget: true,
      };
    }
    const groups = groupScaling(c, options.groupSizes, consumerTarget);
    if (groups.length > 0) result.consumerGroup = groups;
    const manifests = ENVIRONMENT_NAMES.flatMap((environment): ManifestSettingsResult[] => {
      const achieved = c.summary(`manifest ${environment}`);
      if (!achieved) return [];
      const { concurrency, workTimeMs } = manifestConsumerSettings(environment);
      const ideal = idealRate(environment);
      return [{ environment, concurrency, workTimeMs, achieved, ideal, ratio: achieved.median / ideal }];
    });
    if (manifests.length > 0) result.manifestSettings = manifests;
    result.producerThroughput = compare(
      c,
      "producer",
      "msg/s",
      `ratio >= ${TARGETS.producerThroughputRatio}`,
      (r) => r >= TARGETS.producerThroughputRatio,
    );
    result.latencyP50 = compare(c, "p50", "ms", "informative", () => true);
    result.latencyP99 = compare(
      c,
      "p99",
      "ms",
      `ratio <= ${TARGETS.latencyP99Ratio}`,
      (r) => r <= TARGETS.latencyP99Ratio,
    );
    result.peakRssConsumer = compare(
      c,
      "rssConsumer",
      "MiB",
      `ratio <= ${TARGETS.peakRssConsumerRatio}`,
      (r) => r <= TARGETS.peakRssConsumerRatio,
    );
    result.peakRssProducer = compare(c, "rssProducer", "MiB", "informative", () => true);
    const rates = options.rates.flatMap((rate) => {
      const achieved = c.summary(`rate ${rate}`);
      if (!achieved) return [];
      const ratio = achieved.median / rate;
      return [
        {
          targetPerSecond: rate,
          achieved,
          ratio,
          target: `within ${TARGETS.rateError * 100}%`,
          meetsTarget: Math.abs(ratio - 1) <= TARGETS.rateError,
        },
      ];
    });
    if (rates.length > 0) result.rateAccuracy = rates;
    const cold = compare(
      c,
      "coldStart",
      "ms",
      `ratio <= ${TARGETS.coldStartRatio}`,
      (r) => r <= TARGETS.coldStartRatio,
    );
    const coldFloor = c.summary("coldStart/floor");
    if (cold && coldFloor) result.coldStart = { ...cold, nodeFloor: coldFloor };
    result.idleDrain = compare(
      c,
      "drain",
      "ms",
      `app < ${TARGETS.idleDrainMs} ms`,
      (_, app) => app.median < TARGETS.idleDrainMs,
    );
    for (const group of result.consumerGroup ?? [])
      if (group.raw.n >= 3) baselineCvMax = Math.max(baselineCvMax, group.raw.cv);
    for (const key of [
      "consumerThroughput",
      "consumerThroughputConfirmedAck",
      "producerThroughput",
      "latencyP50",
      "latencyP99",
    ] as const) {
      const raw = result[key]?.raw;
      if (raw && raw.n >= 3) baselineCvMax = Math.max(baselineCvMax, raw.cv);
    }
    for (const key of Object.keys(result) as (keyof BrokerResults)[])
      if (result[key] === undefined) delete result[key];
    brokers[broker] = result;
  }
  const noise = noiseReport(
    calibrationBefore,
    calibrationAfter,
    baselineCvMax,
    options.noiseThreshold,
    machine.loadAverage,
    machine.cores,
    calibrationDuring,
  );
  return {
    schema: 1,
    machine,
    loadAverageEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    durationSeconds: Math.round((performance.now() - started) / 100) / 10,
    options,
    noise,
    brokers,
    errors,
  };
}

/** Each group size: app vs raw, and each side's median relative to its smallest group measured. */
function groupScaling(c: Collector, sizes: readonly number[], target: number): GroupScalingResult[] {
  const measured = sizes.flatMap((size) => {
    const comparison = compare(c, `group ${size}`, "msg/s", `ratio >= ${target}`, (r) => r >= target);
    return comparison ? [{ size, comparison }] : [];
  });
  const smallest = measured[0];
  if (!smallest) return [];
  return measured.map(({ size, comparison }) => ({
    ...comparison,
    size,
    appScaling: comparison.app.median / smallest.comparison.app.median,
    rawScaling: comparison.raw.median / smallest.comparison.raw.median,
  }));
}

/** Decide whether the machine was too noisy for the numbers to be compared, and say why. */
export function noiseReport(
  before: Summary,
  after: Summary,
  baselineCvMax: number,
  threshold: number,
  loadAverageStart: readonly number[],
  cores: number,
  during: readonly number[] = [],
): NoiseReport {
  const all = summarize([...before.values, ...during, ...after.values]);
  const drift = after.median / before.median;
  const reasons: string[] = [];
  if (all.cv > threshold)
    reasons.push(`calibration loop CV ${(all.cv * 100).toFixed(1)}% > ${threshold * 100}%`);
  if (Math.abs(drift - 1) > threshold)
    reasons.push(`calibration drifted ${((drift - 1) * 100).toFixed(1)}% between start and end`);
  if (baselineCvMax > threshold)
    reasons.push(`raw baseline runs CV up to ${(baselineCvMax * 100).toFixed(1)}% > ${threshold * 100}%`);
  const load1 = loadAverageStart[0] ?? 0;
  if (load1 > cores * 0.5)
    reasons.push(`1-min load average ${load1} at start on ${cores} cores (other work running)`);
  return {
    calibrationBefore: before,
    calibrationDuring: during.length > 0 ? summarize(during) : undefined,
    calibrationAfter: after,
    calibrationCv: all.cv,
    drift,
    baselineCvMax,
    threshold,
    noisy: reasons.length > 0,
    reasons,
  };
}
