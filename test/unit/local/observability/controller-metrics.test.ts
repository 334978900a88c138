/**
 * The local scaler's controller series: exactly the KEDA operator's and kube-state-metrics' names
 * and label sets (kedacore/keda@v2.16.1:pkg/metricscollector/prommetrics.go; kube-state-metrics
 * docs/metrics/workload/{deployment,horizontalpodautoscaler}-metrics.md), with the live values.
 */
import { afterEach, describe, expect, it } from "vitest";
import { readClusterIdentity } from "../../../../local/observability/cluster-identity.js";
import {
  ControllerMetrics,
  KEDA_METRICS_PATH,
  KUBE_STATE_METRICS_PATH,
} from "../../../../local/observability/controller-metrics.js";
import { readConsumerManifests } from "../../../../local/scaler/manifest-spec.js";
import type { ConsumerPods } from "../../../../local/scaler/consumer-pods.js";
import type { LocalScaler, ScalerStatus } from "../../../../local/scaler/local-scaler.js";
import { MetricSet } from "../../../../testkit/metrics-text.js";

const identity = readClusterIdentity("dev");
const { scaling } = readConsumerManifests("dev");
/** In-process stand-ins for the scaler's state (what the exporter reads), not for any server. */
const counts = { ready: 2, total: 3 };
const pods = {
  get counts() {
    return counts;
  },
} as unknown as ConsumerPods;
let status: Partial<ScalerStatus> = {};
const scaler = {
  get status() {
    return status;
  },
} as unknown as LocalScaler;

let server: ControllerMetrics | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** The exporter of a scaled Deployment (a ScaledObject and its HPA). */
function startScaled(): Promise<ControllerMetrics> {
  return ControllerMetrics.start({ identity, spec: scaling, pods, scaler, fixedReplicas: undefined });
}

async function scrape(path: string): Promise<MetricSet> {
  const response = await fetch(`http://${server!.address}${path}`);
  expect(response.status).toBe(200);
  return MetricSet.parse(await response.text());
}

describe("controller metrics", () => {
  it("names the cluster's objects from the committed ScaledObject", () => {
    expect(identity).toMatchObject({
      namespace: "event-pipeline",
      scaledObject: "consumer",
      deployment: "consumer",
      horizontalPodAutoscaler: "keda-hpa-consumer",
      // s<triggerIndex>-NormalizeString("nats-jetstream-" + stream); "$" is not replaced.
      triggerMetric: "s0-nats-jetstream-events$1",
      metricsPort: "http",
    });
  });

  it("exports KEDA's series only once a poll has happened, with KEDA's labels", async () => {
    server = await startScaled();
    status = {};
    expect((await scrape(KEDA_METRICS_PATH)).samples).toEqual([]);
    status = {
      lag: 420,
      replicas: 3,
      desired: 9,
      lastDecision: { active: true } as ScalerStatus["lastDecision"],
    };
    const keda = await scrape(KEDA_METRICS_PATH);
    const labels = {
      namespace: "event-pipeline",
      metric: "s0-nats-jetstream-events$1",
      scaledObject: "consumer",
      scaler: "natsJetStreamScaler",
      triggerIndex: "0",
      type: "scaledobject",
    };
    expect(keda.samples).toEqual([
      { name: "keda_scaler_metrics_value", labels, value: 420 },
      { name: "keda_scaler_active", labels, value: 1 },
    ]);
  });

  it("exports kube-state-metrics' Deployment and HPA series", async () => {
    server = await startScaled();
    status = { lag: 420, replicas: 3, desired: 9 };
    const ksm = await scrape(KUBE_STATE_METRICS_PATH);
    const deployment = { namespace: "event-pipeline", deployment: "consumer" };
    const hpa = { namespace: "event-pipeline", horizontalpodautoscaler: "keda-hpa-consumer" };
    expect(ksm.samples).toEqual([
      { name: "kube_deployment_spec_replicas", labels: deployment, value: 3 },
      { name: "kube_deployment_status_replicas", labels: deployment, value: 3 },
      { name: "kube_deployment_status_replicas_ready", labels: deployment, value: 2 },
      { name: "kube_horizontalpodautoscaler_spec_max_replicas", labels: hpa, value: scaling.maxReplicaCount },
      { name: "kube_horizontalpodautoscaler_spec_min_replicas", labels: hpa, value: scaling.hpa.minReplicas },
      { name: "kube_horizontalpodautoscaler_status_current_replicas", labels: hpa, value: 3 },
      { name: "kube_horizontalpodautoscaler_status_desired_replicas", labels: hpa, value: 9 },
    ]);
  });

  it("has no HPA and no KEDA series with a fixed consumer count", async () => {
    server = await ControllerMetrics.start({
      identity,
      spec: scaling,
      pods,
      scaler: undefined,
      fixedReplicas: 2,
    });
    expect((await scrape(KEDA_METRICS_PATH)).samples).toEqual([]);
    const ksm = await scrape(KUBE_STATE_METRICS_PATH);
    expect(ksm.samples.map((s) => s.name)).toEqual([
      "kube_deployment_spec_replicas",
      "kube_deployment_status_replicas",
      "kube_deployment_status_replicas_ready",
    ]);
    expect(ksm.value("kube_deployment_spec_replicas")).toBe(2);
  });
});
