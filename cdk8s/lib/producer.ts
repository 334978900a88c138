/**
 * The producer: its ConfigMap "producer-config" (RATE_PER_SECOND), the workload with a checksum
 * of that ConfigMap on the pod template (a rate change rolls the pods, no restart controller
 * needed), and a PodDisruptionBudget.
 */
import * as kplus from "cdk8s-plus-29";
import { Construct } from "constructs";
import { PRODUCER_CONTRACT, PRODUCER_SETTINGS } from "../../src/apps/producer/contract.js";
import type { EnvMap } from "../../src/runtime/config/contract.js";
import type { ContainerResources } from "../config.js";
import type { PipelineConnection } from "./app-environment.js";
import { commonEnvironment } from "./app-environment.js";
import type { AppSettings, ResolvedAppSettings } from "./app-settings.js";
import { resolveAppSettings, settingsEnvironment } from "./app-settings.js";
import { AppWorkload } from "./app-workload.js";
import { SYNC_WAVE, syncWave } from "./argo-annotations.js";
import { CONFIG_CHECKSUM_ANNOTATION, configChecksum } from "./config-checksum.js";
import { checkEnvironment } from "./contract-check.js";
import { objectLabels } from "./labels.js";
import { PodDisruptionBudget } from "./pod-disruption-budget.js";

/** Name of the producer's ConfigMap (contract: `set-rate` and the README refer to it). */
export const PRODUCER_CONFIG_NAME = "producer-config";
/** The ConfigMap's key: the producer's rate variable (typed by its contract). */
export const RATE_KEY = "RATE_PER_SECOND" satisfies keyof typeof PRODUCER_SETTINGS;

/** The producer's container environment, typed by its contract. */
export type ProducerEnvironment = EnvMap<typeof PRODUCER_SETTINGS, kplus.EnvValue>;

/** Values of the producer's own variables but the rate (MAX_IN_FLIGHT, PAYLOAD_BYTES, …), by name. */
export type ProducerSettings = AppSettings<typeof PRODUCER_SETTINGS, typeof RATE_KEY>;

/** The variables every producer manifest states, at the contract's default unless overridden. */
export const PRODUCER_STATED_VARIABLES = ["MAX_IN_FLIGHT", "PAYLOAD_BYTES"] as const;

/** The producer's own settings as the manifests state them. */
export type ResolvedProducerSettings = ResolvedAppSettings<
  typeof PRODUCER_SETTINGS,
  (typeof PRODUCER_STATED_VARIABLES)[number]
>;

export interface ProducerProps {
  readonly connection: PipelineConnection;
  /** Full image reference. */
  readonly image: string;
  /** Messages per second per replica; 0 pauses; may be below 1 (the ConfigMap's RATE_PER_SECOND). */
  readonly ratePerSecond: number;
  readonly resources: ContainerResources;
  /** @default PRODUCER_DEFAULTS.replicas */
  readonly replicas?: number;
  /**
   * The producer's own variables for this deployment, by name (the rate excepted: it lives in the
   * ConfigMap); each one not given takes the contract's default (src/apps/producer/contract.ts).
   * @default {} (the contract's defaults)
   */
  readonly settings?: ProducerSettings;
}

/** What only the manifests decide; the app settings' defaults are the contract's. */
export const PRODUCER_DEFAULTS = { replicas: 1 } as const;

/** Render a rate as the ConfigMap string: plain decimal, no exponent. */
export function formatRate(rate: number): string {
  if (!Number.isFinite(rate) || rate < 0)
    throw new Error(`Producer: ratePerSecond must be a finite number >= 0, got ${rate}`);
  const text = String(rate);
  if (/e/i.test(text))
    throw new Error(`Producer: ratePerSecond ${rate} would render with an exponent; use >= 1e-6`);
  return text;
}

export class Producer extends Construct {
  readonly config: kplus.ConfigMap;
  /** The producer's own settings as its manifests state them (the rate is in `config`). */
  readonly settings: ResolvedProducerSettings;
  readonly workload: AppWorkload;
  readonly disruptionBudget: PodDisruptionBudget;

  constructor(scope: Construct, id: string, props: ProducerProps) {
    super(scope, id);
    this.settings = resolveAppSettings(
      "Producer",
      PRODUCER_SETTINGS,
      PRODUCER_STATED_VARIABLES,
      props.settings ?? {},
    );

    const data = { [RATE_KEY]: formatRate(props.ratePerSecond) };
    this.config = new kplus.ConfigMap(this, "config", {
      metadata: {
        name: PRODUCER_CONFIG_NAME,
        labels: objectLabels("producer"),
        annotations: syncWave(SYNC_WAVE.config),
      },
      data,
    });

    const env: ProducerEnvironment = {
      ...commonEnvironment(props.connection),
      [RATE_KEY]: kplus.EnvValue.fromConfigMap(this.config, RATE_KEY),
      ...settingsEnvironment(this.settings),
    };
    checkEnvironment("Producer", PRODUCER_CONTRACT, env, data);

    this.workload = new AppWorkload(this, "workload", {
      app: "producer",
      image: props.image,
      replicas: props.replicas ?? PRODUCER_DEFAULTS.replicas,
      resources: props.resources,
      podAnnotations: { [CONFIG_CHECKSUM_ANNOTATION]: configChecksum(data) },
      env,
    });

    // One voluntary disruption at a time; never blocks a node drain even at one replica
    // (the producer is stateless: a paused producer only delays new messages).
    this.disruptionBudget = new PodDisruptionBudget(this, "pdb", {
      workload: this.workload,
      maxUnavailable: 1,
    });
  }
}
