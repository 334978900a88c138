/**
 * The consumer: an autoscaled workload (no `replicas` field; KEDA owns it) whose grace period
 * exceeds its drain timeout, and the KEDA ScaledObject scaling it on queue depth.
 *
 * No PodDisruptionBudget: the consumer scales to zero, its replica count belongs to KEDA, and every
 * message it holds survives an eviction (it stops pulling, hands back in-flight work, and the
 * broker redelivers). A PDB would only block node drains at one replica and mean nothing at zero.
 */
import * as kplus from "cdk8s-plus-29";
import { Construct } from "constructs";
import { CONSUMER_CONTRACT, CONSUMER_SETTINGS } from "../../src/apps/consumer/contract.js";
import type { EnvMap } from "../../src/runtime/config/contract.js";
import type { ContainerResources } from "../config.js";
import type { PipelineConnection } from "./app-environment.js";
import { commonEnvironment } from "./app-environment.js";
import { AppWorkload } from "./app-workload.js";
import { checkEnvironment } from "./contract-check.js";
import type { QueueMetricSource } from "./queue-scaler.js";
import { QueueScaler } from "./queue-scaler.js";

export interface ConsumerScaling {
  /** Upper bound of replicas. */
  readonly maxReplicas: number;
  /** Queue depth per replica KEDA aims for. */
  readonly lagThreshold: number;
  /** Queue depth above which KEDA wakes the consumer from zero. @default 0 */
  readonly activationLagThreshold?: number;
  /** Replicas while the metric is unreadable. @default 1 */
  readonly fallbackReplicas?: number;
  /** @default 15 */
  readonly pollingIntervalSeconds?: number;
  /** @default 300 */
  readonly cooldownPeriodSeconds?: number;
  /** @default 300 */
  readonly scaleDownStabilizationSeconds?: number;
  /** @default { type: "nats-jetstream" } */
  readonly metricSource?: QueueMetricSource;
}

export interface ConsumerProps {
  readonly connection: PipelineConnection;
  /** Full image reference. */
  readonly image: string;
  readonly resources: ContainerResources;
  readonly scaling: ConsumerScaling;
  /** Messages processed at once per replica. @default 1 */
  readonly concurrency?: number;
  /** Messages requested per pull. @default 10 */
  readonly batchSize?: number;
  /** Simulated work per message in ms. @default 0 */
  readonly workTimeMs?: number;
  /** Time allowed to finish in-flight work after SIGTERM. @default 20000 */
  readonly drainTimeoutMs?: number;
  /** Delay before a failed message is redelivered. @default 1000 */
  readonly retryDelayMs?: number;
  /**
   * Seconds between SIGTERM and SIGKILL; must exceed the drain timeout.
   * @default ceil(drainTimeoutMs / 1000) + 10
   */
  readonly terminationGracePeriodSeconds?: number;
}

/** The consumer's container environment, typed by its contract. */
export type ConsumerEnvironment = EnvMap<typeof CONSUMER_SETTINGS, kplus.EnvValue>;

/** The consumer app's own defaults (its contract), plus what only the manifests decide. */
export const CONSUMER_DEFAULTS = {
  concurrency: CONSUMER_SETTINGS.CONCURRENCY.default,
  batchSize: CONSUMER_SETTINGS.BATCH_SIZE.default,
  workTimeMs: CONSUMER_SETTINGS.WORK_TIME_MS.default,
  drainTimeoutMs: CONSUMER_SETTINGS.DRAIN_TIMEOUT_MS.default,
  retryDelayMs: CONSUMER_SETTINGS.RETRY_DELAY_MS.default,
  /** Headroom between the drain timeout and SIGKILL. */
  graceHeadroomSeconds: 10,
} as const;

export class Consumer extends Construct {
  readonly workload: AppWorkload;
  readonly scaler: QueueScaler;
  readonly drainTimeoutMs: number;
  readonly terminationGracePeriodSeconds: number;

  constructor(scope: Construct, id: string, props: ConsumerProps) {
    super(scope, id);
    const d = CONSUMER_DEFAULTS;
    const settings = {
      concurrency: props.concurrency ?? d.concurrency,
      batchSize: props.batchSize ?? d.batchSize,
      workTimeMs: props.workTimeMs ?? d.workTimeMs,
      drainTimeoutMs: props.drainTimeoutMs ?? d.drainTimeoutMs,
      retryDelayMs: props.retryDelayMs ?? d.retryDelayMs,
    };
    const minGrace = Math.ceil(settings.drainTimeoutMs / 1000) + 1;
    const grace =
      props.terminationGracePeriodSeconds ??
      Math.ceil(settings.drainTimeoutMs / 1000) + d.graceHeadroomSeconds;
    if (grace < minGrace)
      throw new Error(
        `Consumer: terminationGracePeriodSeconds (${grace}) must exceed drainTimeoutMs (${settings.drainTimeoutMs} ms)`,
      );
    this.drainTimeoutMs = settings.drainTimeoutMs;
    this.terminationGracePeriodSeconds = grace;

    const value = (v: number): kplus.EnvValue => kplus.EnvValue.fromValue(String(v));
    const env: ConsumerEnvironment = {
      ...commonEnvironment(props.connection),
      CONCURRENCY: value(settings.concurrency),
      BATCH_SIZE: value(settings.batchSize),
      WORK_TIME_MS: value(settings.workTimeMs),
      DRAIN_TIMEOUT_MS: value(settings.drainTimeoutMs),
      RETRY_DELAY_MS: value(settings.retryDelayMs),
    };
    checkEnvironment("Consumer", CONSUMER_CONTRACT, env);
    this.workload = new AppWorkload(this, "workload", {
      app: "consumer",
      image: props.image,
      autoscaled: true,
      resources: props.resources,
      terminationGracePeriodSeconds: grace,
      env,
    });

    this.scaler = new QueueScaler(this, "scaler", {
      target: this.workload,
      broker: props.connection.broker,
      stream: props.connection.messaging.stream,
      consumerGroup: props.connection.messaging.consumerGroup,
      ...props.scaling,
    });
  }
}
