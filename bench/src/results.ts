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

export interface BrokerResults {
  consumerThroughput?: Comparison;
  /** The app consumer against a raw loop that awaits each ack (`ackAck`), as the app does. */
  consumerThroughputConfirmedAck?: Comparison;
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
