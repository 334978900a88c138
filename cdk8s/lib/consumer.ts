/**
 * The consumer: an autoscaled workload (no `replicas` field; KEDA owns it) whose grace period
 * exceeds its drain timeout, and the KEDA ScaledObject scaling it on queue depth.
 *
 * No PodDisruptionBudget: the consumer scales to zero, its replica count belongs to KEDA, and every
 * message it holds survives an eviction (it stops pulling, hands back in-flight work, and the
 * broker redelivers). A PDB would only block node drains at one replica and mean nothing at zero.
 */
import type * as kplus from "cdk8s-plus-29";
import { Construct } from "constructs";
import { CONSUMER_CONTRACT, CONSUMER_SETTINGS } from "../../src/apps/consumer/contract.js";
import type { EnvMap } from "../../src/runtime/config/contract.js";
import type { ContainerResources } from "../config.js";
import type { PipelineConnection } from "./app-environment.js";
import { commonEnvironment } from "./app-environment.js";
import type { AppSettings, ResolvedAppSettings } from "./app-settings.js";
import { resolveAppSettings, settingsEnvironment } from "./app-settings.js";
import { AppWorkload } from "./app-workload.js";
import { checkEnvironment } from "./contract-check.js";
import type { QueueScalerProps } from "./queue-scaler.js";
import { QueueScaler } from "./queue-scaler.js";

/**
 * How KEDA scales the consumer: the queue scaler's props but its target and queue (wired by the
 * construct) and its lower bound (the consumer always scales from zero).
 */
export type ConsumerScaling = Omit<
  QueueScalerProps,
  "target" | "broker" | "stream" | "consumerGroup" | "minReplicas"
>;

/** Values of the consumer's own variables (CONCURRENCY, WORK_TIME_MS, …), by their contract names. */
export type ConsumerSettings = AppSettings<typeof CONSUMER_SETTINGS>;

/**
 * The variables every consumer manifest states, at the contract's default unless overridden: the
 * running value is visible in the Deployment, and the grace period derives from DRAIN_TIMEOUT_MS.
 */
export const CONSUMER_STATED_VARIABLES = [
  "CONCURRENCY",
  "BATCH_SIZE",
  "WORK_TIME_MS",
  "DRAIN_TIMEOUT_MS",
  "RETRY_DELAY_MS",
] as const;

/** The consumer's own settings as the manifests state them. */
export type ResolvedConsumerSettings = ResolvedAppSettings<
  typeof CONSUMER_SETTINGS,
  (typeof CONSUMER_STATED_VARIABLES)[number]
>;

/** The stated variables, each the override or the contract's default, and any other override. */
export function resolveConsumerSettings(settings: ConsumerSettings = {}): ResolvedConsumerSettings {
  return resolveAppSettings("Consumer", CONSUMER_SETTINGS, CONSUMER_STATED_VARIABLES, settings);
}

export interface ConsumerProps {
  readonly connection: PipelineConnection;
  /** Full image reference. */
  readonly image: string;
  readonly resources: ContainerResources;
  readonly scaling: ConsumerScaling;
  /**
   * The consumer's own variables for this deployment, by name; each one not given takes the
   * contract's default (src/apps/consumer/contract.ts).
   * @default {} (the contract's defaults)
   */
  readonly settings?: ConsumerSettings;
  /**
   * Seconds between SIGTERM and SIGKILL; must exceed DRAIN_TIMEOUT_MS.
   * @default ceil(DRAIN_TIMEOUT_MS / 1000) + CONSUMER_GRACE_HEADROOM_SECONDS
   */
  readonly terminationGracePeriodSeconds?: number;
}

/** The consumer's container environment, typed by its contract. */
export type ConsumerEnvironment = EnvMap<typeof CONSUMER_SETTINGS, kplus.EnvValue>;

/** Headroom between the drain timeout and SIGKILL: only the manifests decide it. */
export const CONSUMER_GRACE_HEADROOM_SECONDS = 10;

export class Consumer extends Construct {
  readonly workload: AppWorkload;
  readonly scaler: QueueScaler;
  /** The consumer's own settings as its manifests state them. */
  readonly settings: ResolvedConsumerSettings;
  readonly terminationGracePeriodSeconds: number;

  constructor(scope: Construct, id: string, props: ConsumerProps) {
    super(scope, id);
    this.settings = resolveConsumerSettings(props.settings);
    const drainSeconds = Math.ceil(this.settings.DRAIN_TIMEOUT_MS / 1000);
    const grace = props.terminationGracePeriodSeconds ?? drainSeconds + CONSUMER_GRACE_HEADROOM_SECONDS;
    if (grace < drainSeconds + 1)
      throw new Error(
        `Consumer: terminationGracePeriodSeconds (${grace}) must exceed DRAIN_TIMEOUT_MS (${this.settings.DRAIN_TIMEOUT_MS} ms)`,
      );
    this.terminationGracePeriodSeconds = grace;

    const env: ConsumerEnvironment = {
      ...commonEnvironment(props.connection),
      ...settingsEnvironment(this.settings),
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
