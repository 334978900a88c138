/**
 * KEDA ScaledObject that scales a consumer Deployment on its queue depth (pending + ack pending),
 * 0..maxReplicas, with an anti-flapping HPA behaviour and a fallback when the metric is unreadable.
 */
import { Construct } from "constructs";
import type { ScaledObjectSpecTriggers } from "../imports/keda-keda.sh.js";
import { ScaledObject, ScaledObjectSpecFallbackBehavior } from "../imports/keda-keda.sh.js";
import type { AppWorkload } from "./app-workload.js";
import { SYNC_WAVE, syncWave } from "./argo-annotations.js";
import type { BrokerEndpoints } from "./broker-endpoints.js";
import { objectLabels } from "./labels.js";

/** Where KEDA reads the queue depth. */
export type QueueMetricSource =
  /** KEDA's nats-jetstream scaler on the broker's monitoring endpoint (/jsz): works for NATS and Memphis. */
  | { readonly type: "nats-jetstream" }
  /** Prometheus query on the broker exporter's metrics, as the original Memphis system did. */
  | {
      readonly type: "prometheus";
      /** Prometheus base URL. @default "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090" */
      readonly serverAddress?: string;
    };

export interface QueueScalerProps {
  /** The autoscaled workload (must be created with `autoscaled: true`). */
  readonly target: AppWorkload;
  readonly broker: BrokerEndpoints;
  /** App-level stream/station name (mapped to the JetStream stream for Memphis). */
  readonly stream: string;
  readonly consumerGroup: string;
  /** Upper bound on replicas. */
  readonly maxReplicas: number;
  /** Queue depth per replica KEDA aims for. */
  readonly lagThreshold: number;
  /** Queue depth above which the workload is woken from zero. @default 0 */
  readonly activationLagThreshold?: number;
  /** Lower bound on replicas. @default 0 */
  readonly minReplicas?: number;
  /** Seconds between metric reads. @default 15 */
  readonly pollingIntervalSeconds?: number;
  /** Seconds of an empty queue before scaling to zero. @default 300 */
  readonly cooldownPeriodSeconds?: number;
  /** HPA scale-down stabilization window in seconds (0–3600). @default 300 */
  readonly scaleDownStabilizationSeconds?: number;
  /**
   * Floor of replicas once the metric has failed more than `fallbackFailureThreshold` times in a
   * row: the fallback keeps the current count when it is higher (behavior currentReplicasIfHigher).
   * @default 1
   */
  readonly fallbackReplicas?: number;
  /** @default 3 */
  readonly fallbackFailureThreshold?: number;
  /** @default { type: "nats-jetstream" } */
  readonly metricSource?: QueueMetricSource;
}

export const QUEUE_SCALER_DEFAULTS = {
  activationLagThreshold: 0,
  minReplicas: 0,
  pollingIntervalSeconds: 15,
  cooldownPeriodSeconds: 300,
  scaleDownStabilizationSeconds: 300,
  fallbackReplicas: 1,
  fallbackFailureThreshold: 3,
  prometheusServerAddress: "http://kube-prometheus-stack-prometheus.monitoring.svc.cluster.local:9090",
} as const;

/** The only metric type KEDA accepts together with `fallback`. */
export const FALLBACK_METRIC_TYPE = "AverageValue";

/** The Prometheus query of the original system: pending + ack pending of the group on the station's stream. */
export function queueDepthQuery(jetStreamName: string, consumerGroup: string): string {
  const selector = `{stream_name="${jetStreamName}",consumer_name="${consumerGroup}"}`;
  return `sum(memphis_consumer_num_pending${selector}) + sum(memphis_consumer_num_ack_pending${selector})`;
}

export class QueueScaler extends Construct {
  readonly scaledObject: ScaledObject;

  constructor(scope: Construct, id: string, props: QueueScalerProps) {
    super(scope, id);
    const d = QUEUE_SCALER_DEFAULTS;
    const minReplicas = props.minReplicas ?? d.minReplicas;
    const activation = props.activationLagThreshold ?? d.activationLagThreshold;
    const polling = props.pollingIntervalSeconds ?? d.pollingIntervalSeconds;
    const cooldown = props.cooldownPeriodSeconds ?? d.cooldownPeriodSeconds;
    const scaleDownWindow = props.scaleDownStabilizationSeconds ?? d.scaleDownStabilizationSeconds;
    const fallbackReplicas = props.fallbackReplicas ?? d.fallbackReplicas;
    const fallbackFailures = props.fallbackFailureThreshold ?? d.fallbackFailureThreshold;
    const source = props.metricSource ?? { type: "nats-jetstream" };

    const positive = {
      maxReplicas: props.maxReplicas,
      lagThreshold: props.lagThreshold,
      pollingIntervalSeconds: polling,
    };
    for (const [name, value] of Object.entries(positive))
      if (!Number.isInteger(value) || value < 1)
        throw new Error(`QueueScaler: ${name} must be a positive integer, got ${value}`);
    const nonNegative = { minReplicas, activationLagThreshold: activation, cooldownPeriodSeconds: cooldown };
    for (const [name, value] of Object.entries(nonNegative))
      if (!Number.isInteger(value) || value < 0)
        throw new Error(`QueueScaler: ${name} must be a non-negative integer, got ${value}`);
    // The API server rejects a window above one hour (autoscaling/v2 HPAScalingRules:
    // "must be greater than or equal to zero and less than or equal to 3600").
    if (!Number.isInteger(scaleDownWindow) || scaleDownWindow < 0 || scaleDownWindow > 3600)
      throw new Error(
        `QueueScaler: scaleDownStabilizationSeconds must be an integer in 0..3600, got ${scaleDownWindow}`,
      );
    if (minReplicas > props.maxReplicas)
      throw new Error(`QueueScaler: minReplicas (${minReplicas}) exceeds maxReplicas (${props.maxReplicas})`);
    if (fallbackReplicas < 1 || fallbackReplicas > props.maxReplicas)
      throw new Error(
        `QueueScaler: fallbackReplicas must be in 1..maxReplicas (${props.maxReplicas}), got ${fallbackReplicas}`,
      );
    if (!props.target.deployment.hasAutoscaler)
      throw new Error(
        `QueueScaler: target ${props.target.name} must be created with autoscaled: true (no replicas)`,
      );

    const jetStreamName = props.broker.naming.streamName(props.stream);
    const durableName = props.broker.naming.durableName(props.consumerGroup);
    // `fallback` needs every trigger to use metricType AverageValue: KEDA's admission webhook rejects
    // it otherwise (kedacore/keda#6066; apis/keda/v1alpha1/scaledobject_types.go CheckFallbackValid).
    const trigger: ScaledObjectSpecTriggers =
      source.type === "nats-jetstream"
        ? {
            type: "nats-jetstream",
            metricType: FALLBACK_METRIC_TYPE,
            metadata: {
              natsServerMonitoringEndpoint: props.broker.monitorHostPort,
              account: props.broker.naming.account,
              stream: jetStreamName,
              consumer: durableName,
              lagThreshold: String(props.lagThreshold),
              activationLagThreshold: String(activation),
              useHttps: "false",
            },
          }
        : {
            type: "prometheus",
            metricType: FALLBACK_METRIC_TYPE,
            metadata: {
              serverAddress: source.serverAddress ?? d.prometheusServerAddress,
              query: queueDepthQuery(jetStreamName, durableName),
              threshold: String(props.lagThreshold),
              activationThreshold: String(activation),
              // An empty result is an error (fallback applies), not a queue of zero.
              ignoreNullValues: "false",
            },
          };

    this.scaledObject = new ScaledObject(this, "resource", {
      metadata: {
        name: props.target.name,
        labels: objectLabels(props.target.app),
        annotations: syncWave(SYNC_WAVE.apps),
      },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: props.target.name },
        minReplicaCount: minReplicas,
        maxReplicaCount: props.maxReplicas,
        pollingInterval: polling,
        cooldownPeriod: cooldown,
        // KEDA 2.20 (kedacore/keda@v2.20.2 pkg/fallback/fallback.go doFallback): past
        // failureThreshold the HPA is served (fallback replicas) × target. With the default `static`
        // behavior that is fallback.replicas, so a broker leader election long enough to fail a few
        // /jsz reads would drop N consumers to fallback.replicas; currentReplicasIfHigher serves
        // max(current spec.replicas, fallback.replicas): a failing metric never removes a consumer.
        fallback: {
          failureThreshold: fallbackFailures,
          replicas: fallbackReplicas,
          behavior: ScaledObjectSpecFallbackBehavior.CURRENT_REPLICAS_IF_HIGHER,
        },
        advanced: {
          restoreToOriginalReplicaCount: false,
          horizontalPodAutoscalerConfig: {
            behavior: {
              // Scale up fast (double or +4 pods every 15 s), down slowly (half every minute after
              // the scale-down window of calm).
              scaleUp: {
                stabilizationWindowSeconds: 0,
                selectPolicy: "Max",
                policies: [
                  { type: "Percent", value: 100, periodSeconds: 15 },
                  { type: "Pods", value: 4, periodSeconds: 15 },
                ],
              },
              scaleDown: {
                stabilizationWindowSeconds: scaleDownWindow,
                selectPolicy: "Min",
                policies: [{ type: "Percent", value: 50, periodSeconds: 60 }],
              },
            },
          },
        },
        triggers: [trigger],
      },
    });
  }
}
