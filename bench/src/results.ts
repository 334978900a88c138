/** Shape of `bench/results.json` (and of a dated record). */
import type { MachineInfo } from "./machine.js";
import type { BenchBroker, BenchOptions } from "./options.js";
import type { Summary } from "./stats.js";

/** App vs raw baseline of one metric. */
export interface Comparison {
  readonly unit: string;
  readonly app: Summary;
  readonly raw: Summary;
  /** median(app) / median(raw). */
  readonly ratio: number;
  /** Human-readable target on the ratio or the app value, e.g. "ratio >= 0.8". */
  readonly target: string;
  readonly meetsTarget: boolean;
}

export interface RateAccuracyResult {
  readonly targetPerSecond: number;
  readonly achieved: Summary;
  /** median(achieved) / target. */
  readonly ratio: number;
  readonly target: string;
  readonly meetsTarget: boolean;
}

/** Spawn → first message processed, app consumer vs raw consumer, with the bare-Node floor. */
export interface ColdStartResult extends Comparison {
  /** Spawn → exit of an empty `node -e ""`: the part no program avoids. */
  readonly nodeFloor: Summary;
}

/** A consumer group of `size` app processes vs `size` raw consumers. */
export interface GroupScalingResult extends Comparison {
  readonly size: number;
  /** median(app group of `size`) / median(app group of the smallest size measured). */
  readonly appScaling: number;
  /** The same for the raw group. */
  readonly rawScaling: number;
}

/** One app consumer at an environment's CONCURRENCY and WORK_TIME_MS vs the ideal of one replica. */
export interface ManifestSettingsResult {
  readonly environment: string;
  readonly concurrency: number;
  readonly workTimeMs: number;
  readonly achieved: Summary;
  /** CONCURRENCY × 1000 / WORK_TIME_MS (msg/s). */
  readonly ideal: number;
  /** median(achieved) / ideal. */
  readonly ratio: number;
}

export interface BrokerResults {
  consumerThroughput?: Comparison;
  /** The app consumer against a raw loop that awaits each ack (`ackAck`), as the app does. */
  consumerThroughputConfirmedAck?: Comparison;
  /** Consumer groups of each of `groupSizes`, app vs raw, and how each scales with the size. */
  consumerGroup?: GroupScalingResult[];
  /** The app consumer at each environment's settings from cdk8s/config.ts. */
  manifestSettings?: ManifestSettingsResult[];
  producerThroughput?: Comparison;
  rateAccuracy?: RateAccuracyResult[];
  latencyP50?: Comparison;
  latencyP99?: Comparison;
  coldStart?: ColdStartResult;
  /** SIGTERM → exit of the idle consumer (its drain), informative. */
  idleDrain?: Comparison;
  peakRssConsumer?: Comparison;
  peakRssProducer?: Comparison;
}

export interface NoiseReport {
  /** Calibration loop durations (ms) before and after the bench. */
  readonly calibrationBefore: Summary;
  readonly calibrationAfter: Summary;
  /** Calibration loops run between the brokers' blocks of every repetition. */
  readonly calibrationDuring: Summary | undefined;
  /** CV of all calibration loops together (before, during, after). */
  readonly calibrationCv: number;
  /** median(after) / median(before): above 1 the machine got slower during the bench. */
  readonly drift: number;
  /** Largest CV among the raw baselines' throughput and latency runs (0 with fewer than 3 runs). */
  readonly baselineCvMax: number;
  readonly threshold: number;
  readonly noisy: boolean;
  readonly reasons: readonly string[];
}

export interface ScenarioError {
  readonly broker: BenchBroker;
  readonly scenario: string;
  readonly message: string;
}

export interface BenchResults {
  readonly schema: 1;
  readonly machine: MachineInfo;
  readonly loadAverageEnd: readonly number[];
  readonly durationSeconds: number;
  readonly options: BenchOptions;
  readonly noise: NoiseReport;
  readonly brokers: Partial<Record<BenchBroker, BrokerResults>>;
  readonly errors: readonly ScenarioError[];
}
