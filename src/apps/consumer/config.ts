/**
 * Consumer configuration: its contract (./contract.ts) validated once, resolved into what the
 * consumer's parts take.
 */
import { toCommonConfig, type CommonConfig } from "../../runtime/config/common-contract.js";
import { loadContract, type EnvInput } from "../../runtime/config/contract.js";
import { CONSUMER_CONTRACT } from "./contract.js";
import type { FileSinkEffect } from "./file-effect-sink.js";

export interface ConsumerConfig {
  readonly common: CommonConfig;
  readonly concurrency: number;
  readonly batchSize: number;
  readonly workTimeMs: number;
  readonly drainTimeoutMs: number;
  readonly retryDelayMs: number;
  readonly sinkDir: string | undefined;
  readonly sinkEffect: FileSinkEffect;
}

/** Validate `env`; throws a `ConfigError` naming every bad variable. */
export function loadConsumerConfig(env: EnvInput): ConsumerConfig {
  const values = loadContract(CONSUMER_CONTRACT, env);
  return {
    common: toCommonConfig(values),
    concurrency: values.CONCURRENCY,
    batchSize: values.BATCH_SIZE,
    workTimeMs: values.WORK_TIME_MS,
    drainTimeoutMs: values.DRAIN_TIMEOUT_MS,
    retryDelayMs: values.RETRY_DELAY_MS,
    sinkDir: values.SINK_DIR === undefined || values.SINK_DIR.trim() === "" ? undefined : values.SINK_DIR,
    sinkEffect: values.SINK_EFFECT,
  };
}
