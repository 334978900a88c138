/**
 * The series the cluster's controllers export about the consumer, served by the local scaler that
 * plays them, under the same names and labels (nothing invented):
 * - `/keda/metrics`, as the KEDA operator (kedacore/keda@v2.16.1:pkg/metricscollector/prommetrics.go):
 *   `keda_scaler_metrics_value` and `keda_scaler_active`, labels namespace, metric, scaledObject,
 *   scaler, triggerIndex, type. Set at every poll; absent before the first one, as in KEDA.
 * - `/kube-state-metrics/metrics`, as kube-state-metrics (kubernetes/kube-state-metrics:
 *   docs/metrics/workload/deployment-metrics.md, horizontalpodautoscaler-metrics.md):
 *   `kube_deployment_spec_replicas`, `kube_deployment_status_replicas`,
 *   `kube_deployment_status_replicas_ready` {namespace, deployment} and
 *   `kube_horizontalpodautoscaler_spec_{min,max}_replicas`,
 *   `kube_horizontalpodautoscaler_status_{current,desired}_replicas` {namespace, horizontalpodautoscaler}.
 *   With a fixed consumer count there is no ScaledObject, so no HPA and no KEDA series either.
 */
import { createServer, type Server } from "node:http";
import { once } from "node:events";
import { Gauge, Registry } from "prom-client";
import type { LocalScaler } from "../scaler/local-scaler.js";
import type { ConsumerPods } from "../scaler/consumer-pods.js";
import type { ScalingSpec } from "../scaler/scaling-spec.js";
import type { ClusterIdentity } from "./cluster-identity.js";

export interface ControllerMetricsProps {
  readonly identity: ClusterIdentity;
  readonly spec: ScalingSpec;
  readonly pods: ConsumerPods;
  /** undefined with a fixed consumer count. */
  readonly scaler: LocalScaler | undefined;
  /** Deployment spec.replicas when there is no scaler. */
  readonly fixedReplicas: number | undefined;
}

/** Metric paths of the two stand-ins on the one HTTP server. */
export const KEDA_METRICS_PATH = "/keda/metrics";
export const KUBE_STATE_METRICS_PATH = "/kube-state-metrics/metrics";

/** KEDA's `scaler` label: the Go type name of the scaler (`%T` without `*scalers.`, scale_handler.go). */
const NATS_JETSTREAM_SCALER = "natsJetStreamScaler";

function gauge(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  collect: (g: Gauge) => void,
): void {
  registry.registerMetric(
    new Gauge({
      name,
      help,
      labelNames,
      registers: [],
      collect() {
        this.reset();
        collect(this);
      },
    }),
  );
}

function kedaRegistry(props: ControllerMetricsProps): Registry {
  const registry = new Registry();
  const { identity } = props;
  const labels = {
    namespace: identity.namespace,
    metric: identity.triggerMetric,
    scaledObject: identity.scaledObject,
    scaler: NATS_JETSTREAM_SCALER,
    triggerIndex: identity.triggerMetric.slice(1, identity.triggerMetric.indexOf("-")),
    type: "scaledobject",
  };
  const names = Object.keys(labels);
  const lastPoll = () => props.scaler?.status.lastDecision;
  gauge(
    registry,
    "keda_scaler_metrics_value",
    "The current value for each scaler's metric that would be used by the HPA in computing the target average.",
    names,
    (g) => {
      const lag = props.scaler?.status.lag;
      if (lag !== undefined) g.set(labels, lag);
    },
  );
  gauge(
    registry,
    "keda_scaler_active",
    "Indicates whether a scaler is active (1), or not (0).",
    names,
    (g) => {
      const decision = lastPoll();
      if (decision !== undefined) g.set(labels, decision.active ? 1 : 0);
    },
  );
  return registry;
}

function kubeStateRegistry(props: ControllerMetricsProps): Registry {
  const registry = new Registry();
  const { identity, spec } = props;
  const deployment = { namespace: identity.namespace, deployment: identity.deployment };
  const hpa = { namespace: identity.namespace, horizontalpodautoscaler: identity.horizontalPodAutoscaler };
  const specReplicas = () => props.scaler?.status.replicas ?? props.fixedReplicas ?? 0;
  const deploymentGauge = (name: string, help: string, value: () => number) =>
    gauge(registry, name, help, ["namespace", "deployment"], (g) => g.set(deployment, value()));
  deploymentGauge("kube_deployment_spec_replicas", "Number of desired pods for a deployment.", specReplicas);
  deploymentGauge(
    "kube_deployment_status_replicas",
    "The number of replicas per deployment.",
    () => props.pods.counts.total,
  );
  deploymentGauge(
    "kube_deployment_status_replicas_ready",
    "The number of ready replicas per deployment.",
    () => props.pods.counts.ready,
  );
  const hpaGauge = (name: string, value: () => number) =>
    gauge(registry, name, name, ["namespace", "horizontalpodautoscaler"], (g) => {
      // KEDA creates the HPA only for a ScaledObject; a fixed count has none.
      if (props.scaler !== undefined) g.set(hpa, value());
    });
  hpaGauge("kube_horizontalpodautoscaler_spec_max_replicas", () => spec.maxReplicaCount);
  hpaGauge("kube_horizontalpodautoscaler_spec_min_replicas", () => spec.hpa.minReplicas);
  hpaGauge("kube_horizontalpodautoscaler_status_current_replicas", () => props.pods.counts.total);
  hpaGauge("kube_horizontalpodautoscaler_status_desired_replicas", () => props.scaler?.status.desired ?? 0);
  return registry;
}

/** The HTTP server of both stand-ins on 127.0.0.1. */
export class ControllerMetrics {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(props: ControllerMetricsProps): Promise<ControllerMetrics> {
    const registries: Record<string, Registry> = {
      [KEDA_METRICS_PATH]: kedaRegistry(props),
      [KUBE_STATE_METRICS_PATH]: kubeStateRegistry(props),
    };
    const server = createServer((request, response) => {
      const registry = registries[request.url ?? ""];
      if (registry === undefined) {
        response.writeHead(404).end();
        return;
      }
      void registry.metrics().then((text) => {
        response.writeHead(200, { "content-type": registry.contentType }).end(text);
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("controller metrics: no port");
    return new ControllerMetrics(server, address.port);
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
