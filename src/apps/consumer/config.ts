/**
 * Consumer configuration: the common variables plus concurrency, batch, simulated work, drain
 * and retry timing, and the optional effect sink directory.
 */
import { str } from "envalid";
import { FILE_SINK_EFFECTS, type FileSinkEffect } from "./file-effect-sink.js";
import {
  checkCommon,
  commonEnvSpecs,
  SECRET_VARIABLES,
  toCommonConfig,
  type CommonConfig,
} from "../../shared/config/common-env.js";
import { cleanEnvStrict, type EnvInput } from "../../shared/config/clean-env.js";
import { intInRange } from "../../shared/config/validators.js";
import { DEFAULTS } from "../../shared/defaults.js";

export const consumerEnvSpecs = {
  ...commonEnvSpecs,
  CONCURRENCY: intInRange(
    1,
    1024,
  )({
    default: DEFAULTS.consumer.concurrency,
    desc: "Messages processed at once (1: strictly in order)",
    example: "4",
  }),
  BATCH_SIZE: intInRange(
    1,
    1000,
  )({
    default: DEFAULTS.consumer.batchSize,
    desc: "Messages requested per pull",
    example: "10",
  }),
  WORK_TIME_MS: intInRange(0)({
    default: DEFAULTS.consumer.workTimeMs,
    desc: "Simulated work per message (ms)",
    example: "0",
  }),
  DRAIN_TIMEOUT_MS: intInRange(100)({
    default: DEFAULTS.consumer.drainTimeoutMs,
    desc: "On SIGTERM: time to finish in-flight messages and close (ms); the pod's grace period must exceed it",
    example: "20000",
  }),
  RETRY_DELAY_MS: intInRange(0)({
    default: DEFAULTS.consumer.retryDelayMs,
    desc: "Redelivery delay of a message whose processing failed (ms)",
    example: "1000",
  }),
  SINK_DIR: str({
    default: undefined,
    desc: "Directory of the idempotent file effect sink (default: an in-memory seen-set)",
    example: "/tmp/effects",
  }),
  SINK_EFFECT: str({
    choices: FILE_SINK_EFFECTS,
    default: DEFAULTS.consumer.sinkEffect,
    desc: "With SINK_DIR: `idempotent` (one atomic link per id), or `ledger`, a deliberately non-idempotent effect for tests' negative controls",
    example: "idempotent",
  }),
};

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
  const values = cleanEnvStrict(env, consumerEnvSpecs, { secrets: SECRET_VARIABLES, check: checkCommon });
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
