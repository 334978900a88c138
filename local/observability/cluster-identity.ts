/**
 * Who the local processes are in the cluster: the namespace, the ScaledObject, its Deployment and
 * HPA, the trigger's metric name, read from the committed ScaledObject of `dist-manifests/<env>/`
 * (never restated), and where the controllers run (the namespaces the Argo CD infrastructure
 * Applications install KEDA and kube-prometheus-stack into).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { KEDA_NAMESPACE, MONITORING_NAMESPACE } from "../../cdk8s/lib/platform-names.js";
import type { EnvironmentName } from "../../cdk8s/config.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { SCALED_OBJECT_FILE } from "../scaler/manifest-spec.js";

export interface ClusterIdentity {
  /** Namespace of the pipeline (the ScaledObject's). */
  readonly namespace: string;
  readonly scaledObject: string;
  /** `scaleTargetRef.name`: the consumer Deployment. */
  readonly deployment: string;
  /** The HPA KEDA creates: `keda-hpa-<scaledObject>` unless `advanced.horizontalPodAutoscalerConfig.name`. */
  readonly horizontalPodAutoscaler: string;
  /** The external metric's name as KEDA labels `keda_scaler_metrics_value{metric}`. */
  readonly triggerMetric: string;
  /** Namespace the KEDA operator runs in (its scrape target's `namespace`). */
  readonly kedaNamespace: string;
  /** Namespace kube-state-metrics runs in (kube-prometheus-stack's). */
  readonly kubeStateMetricsNamespace: string;
  /** The Service port the consumer's ServiceMonitor scrapes (the `endpoint` target label). */
  readonly metricsPort: string;
}

/** The consumer's ServiceMonitor in the synthesized output. */
const SERVICE_MONITOR_FILE = "servicemonitor-consumer.yaml";

type Yaml = Record<string, unknown>;
const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>(
    (v, key) => (v !== null && typeof v === "object" ? (v as Yaml)[key] : undefined),
    value,
  );

/**
 * KEDA's util.NormalizeString: "/", ".", ":", "%", "(" and ")" become "-"
 * (kedacore/keda@v2.16.1:pkg/util/normalize_string.go).
 */
function normalize(s: string): string {
  return s.replace(/[/.:%()]/g, "-");
}

export function readClusterIdentity(
  env: EnvironmentName,
  root: string = join(REPO_ROOT, "dist-manifests"),
): ClusterIdentity {
  const scaledObject = parse(readFileSync(join(root, env, SCALED_OBJECT_FILE), "utf8")) as unknown;
  const name = String(at(scaledObject, "metadata", "name"));
  const triggers = at(scaledObject, "spec", "triggers");
  const index = Array.isArray(triggers) ? triggers.findIndex((t) => at(t, "type") === "nats-jetstream") : -1;
  if (index < 0) throw new Error(`${env}/${SCALED_OBJECT_FILE}: no nats-jetstream trigger`);
  const stream = String(at((triggers as unknown[])[index], "metadata", "stream"));
  const serviceMonitor = parse(readFileSync(join(root, env, SERVICE_MONITOR_FILE), "utf8")) as unknown;
  const endpoints = at(serviceMonitor, "spec", "endpoints");
  const hpaName = at(scaledObject, "spec", "advanced", "horizontalPodAutoscalerConfig", "name");
  return {
    namespace: String(at(scaledObject, "metadata", "namespace")),
    scaledObject: name,
    deployment: String(at(scaledObject, "spec", "scaleTargetRef", "name")),
    // KEDA: getHPAName (pkg/scaling/... controllers/keda/hpa.go) defaults to "keda-hpa-" + name.
    horizontalPodAutoscaler: typeof hpaName === "string" ? hpaName : `keda-hpa-${name}`,
    // nats_jetstream_scaler.go GetMetricSpecForScaling: NormalizeString("nats-jetstream-" + stream),
    // then GenerateMetricNameWithIndex: "s<triggerIndex>-<name>" (pkg/scalers/scaler.go).
    triggerMetric: `s${index}-${normalize(`nats-jetstream-${stream}`)}`,
    kedaNamespace: KEDA_NAMESPACE,
    kubeStateMetricsNamespace: MONITORING_NAMESPACE,
    metricsPort: String(Array.isArray(endpoints) ? at(endpoints[0], "port") : "http"),
  };
}
