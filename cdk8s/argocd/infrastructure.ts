/**
 * The infrastructure Applications of one environment: operators with their CRDs first (Sealed
 * Secrets, KEDA, kube-prometheus-stack), then the broker the environment picked and the log stack.
 * Chart versions are pinned in `HELM_CHARTS` (cdk8s/config.ts).
 */
import type { BrokerKind } from "../../src/broker/port.js";
import type { EnvironmentName, HelmChartSource } from "../config.js";
import { HELM_CHARTS } from "../config.js";
import { brokerEndpoints } from "../lib/broker-endpoints.js";
import type { ArgoApplicationProps } from "./argo-application.js";

/** Sync waves of the Applications in the app-of-apps. */
export const APP_WAVE = {
  /** Operators and their CRDs. */
  operators: -3,
  /** Broker and log stack (need the monitoring CRDs). */
  services: -2,
  /** The pipeline itself (needs SealedSecret, ScaledObject, ServiceMonitor CRDs and the broker). */
  pipeline: 0,
} as const;

export const MONITORING_NAMESPACE = "monitoring";
/** Namespace of the KEDA operator. */
export const KEDA_NAMESPACE = "keda";
const LOKI_PUSH_URL = `http://loki-gateway.${MONITORING_NAMESPACE}.svc.cluster.local/loki/api/v1/push`;
const LOKI_URL = `http://loki-gateway.${MONITORING_NAMESPACE}.svc.cluster.local`;

type InfraApp = Omit<ArgoApplicationProps, "project"> & {
  readonly source: { readonly type: "helm"; readonly chart: HelmChartSource };
};

function helm(
  name: string,
  chart: HelmChartSource,
  namespace: string,
  syncWave: number,
  values: Record<string, unknown>,
  syncOptions: readonly string[] = [],
): InfraApp {
  return {
    name,
    destinationNamespace: namespace,
    syncWave,
    syncOptions,
    source: { type: "helm", chart, releaseName: name, values },
  };
}

function brokerApplication(kind: BrokerKind, env: EnvironmentName): InfraApp {
  const clustered = env === "prod";
  const endpoints = brokerEndpoints(kind);
  switch (kind) {
    case "memphis":
      return helm("memphis", HELM_CHARTS.memphis, endpoints.namespace, APP_WAVE.services, {
        global: { cluster: { enabled: clustered } },
        // The exporter sidecar (port 7777) publishes memphis_consumer_num_pending & co.
        exporter: { enabled: true },
        // Bundled PostgreSQL for Memphis metadata.
        metadata: { enabled: true },
      });
    case "nats":
      return helm("nats", HELM_CHARTS.nats, endpoints.namespace, APP_WAVE.services, {
        config: {
          cluster: { enabled: clustered, replicas: 3 },
          jetstream: { enabled: true, fileStore: { pvc: { size: clustered ? "30Gi" : "5Gi" } } },
        },
        // The monitoring port on the client Service: apps and KEDA read /jsz there.
        service: { ports: { monitor: { enabled: true } } },
        promExporter: { enabled: true },
      });
  }
}

/** Infrastructure Applications of an environment, in sync-wave order. */
export function infrastructureApplications(env: EnvironmentName, broker: BrokerKind): InfraApp[] {
  return [
    helm("sealed-secrets", HELM_CHARTS.sealedSecrets, "kube-system", APP_WAVE.operators, {
      // The name and namespace `kubeseal` looks for by default.
      fullnameOverride: "sealed-secrets-controller",
    }),
    helm("keda", HELM_CHARTS.keda, KEDA_NAMESPACE, APP_WAVE.operators, {
      prometheus: {
        operator: { enabled: true, serviceMonitor: { enabled: true } },
        metricServer: { enabled: true, serviceMonitor: { enabled: true } },
      },
    }),
    helm(
      "kube-prometheus-stack",
      HELM_CHARTS.kubePrometheusStack,
      MONITORING_NAMESPACE,
      APP_WAVE.operators,
      {
        prometheus: {
          prometheusSpec: {
            // Pick up ServiceMonitors, PodMonitors and rules of every namespace, whatever their labels.
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
          },
        },
        grafana: {
          sidecar: {
            // ConfigMaps labelled grafana_dashboard (any value) in any namespace become dashboards.
            dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "", searchNamespace: "ALL" },
          },
          additionalDataSources: [{ name: "Loki", type: "loki", access: "proxy", url: LOKI_URL }],
        },
      },
      // The CRDs are too large for client-side apply's last-applied annotation.
      ["ServerSideApply=true"],
    ),
    brokerApplication(broker, env),
    helm("loki", HELM_CHARTS.loki, MONITORING_NAMESPACE, APP_WAVE.services, {
      deploymentMode: "SingleBinary",
      loki: {
        auth_enabled: false,
        commonConfig: { replication_factor: 1 },
        storage: { type: "filesystem" },
        schemaConfig: {
          configs: [
            {
              from: "2024-04-01",
              store: "tsdb",
              object_store: "filesystem",
              schema: "v13",
              index: { prefix: "loki_index_", period: "24h" },
            },
          ],
        },
      },
      singleBinary: { replicas: 1 },
      backend: { replicas: 0 },
      read: { replicas: 0 },
      write: { replicas: 0 },
      chunksCache: { enabled: false },
      resultsCache: { enabled: false },
    }),
    helm("promtail", HELM_CHARTS.promtail, MONITORING_NAMESPACE, APP_WAVE.services, {
      config: { clients: [{ url: LOKI_PUSH_URL }] },
    }),
  ];
}
