/**
 * What the dashboards and alert rules look at: the names of the workloads, the autoscaler and the
 * consumer group, and the label names the monitoring stack puts on external metrics. One place for
 * the defaults; the dashboards generator and the alert rules both resolve their options here.
 */
import { COMMON_SETTINGS } from "../../src/runtime/config/common-contract.js";

/** Names of the pipeline's objects as they appear in metric labels. */
export interface PipelineTargets {
  /**
   * Value of the `app` default label of the producer's own metrics (prom-client default label).
   * @default "producer"
   */
  readonly producerApp?: string;
  /**
   * Value of the `app` default label of the consumer's own metrics.
   * @default "consumer"
   */
  readonly consumerApp?: string;
  /**
   * Name of the consumer Deployment (label `deployment` of kube-state-metrics' `kube_deployment_*`).
   * @default "consumer"
   */
  readonly consumerDeployment?: string;
  /**
   * Name of the KEDA ScaledObject that scales the consumer (label `scaledObject` of `keda_scaler_metrics_value`).
   * @default "consumer"
   */
  readonly scaledObject?: string;
  /**
   * Name of the HPA that KEDA creates for the ScaledObject (label `horizontalpodautoscaler` of
   * `kube_horizontalpodautoscaler_*`). KEDA names it `keda-hpa-<scaledObject>` unless overridden.
   * @default `keda-hpa-${scaledObject}`
   */
  readonly horizontalPodAutoscaler?: string;
  /**
   * Durable consumer group (label `consumer_name` of the Memphis exporter's `memphis_consumer_*`).
   * @default the apps' CONSUMER_GROUP default ("event-consumers")
   */
  readonly consumerGroup?: string;
  /**
   * Label that carries the ScaledObject's namespace on KEDA's operator metrics once Prometheus has
   * scraped them. KEDA exports it as `namespace`; a ServiceMonitor without `honorLabels: true`
   * (the KEDA chart's default) renames it to `exported_namespace` because the scrape target's own
   * `namespace` label wins.
   * @default "exported_namespace"
   */
  readonly kedaNamespaceLabel?: string;
}

/** `PipelineTargets` with every default applied. */
export type ResolvedPipelineTargets = Required<PipelineTargets>;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Apply the defaults (the only place they live) and check the values. */
export function resolvePipelineTargets(targets: PipelineTargets = {}): ResolvedPipelineTargets {
  const scaledObject = targets.scaledObject ?? "consumer";
  const resolved: ResolvedPipelineTargets = {
    producerApp: targets.producerApp ?? "producer",
    consumerApp: targets.consumerApp ?? "consumer",
    consumerDeployment: targets.consumerDeployment ?? "consumer",
    scaledObject,
    horizontalPodAutoscaler: targets.horizontalPodAutoscaler ?? `keda-hpa-${scaledObject}`,
    consumerGroup: targets.consumerGroup ?? COMMON_SETTINGS.CONSUMER_GROUP.default,
    kedaNamespaceLabel: targets.kedaNamespaceLabel ?? "exported_namespace",
  };
  for (const [key, value] of Object.entries(resolved)) {
    if (value.trim() === "" || /["\\\n]/.test(value)) {
      throw new Error(
        `PipelineTargets.${key} must be a non-empty string without quotes or backslashes, got ${JSON.stringify(value)}`,
      );
    }
  }
  if (!LABEL_NAME.test(resolved.kedaNamespaceLabel)) {
    throw new Error(
      `PipelineTargets.kedaNamespaceLabel must be a Prometheus label name, got ${JSON.stringify(resolved.kedaNamespaceLabel)}`,
    );
  }
  return resolved;
}
