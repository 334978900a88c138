/**
 * The infrastructure Applications of one environment, in sync waves so that every custom resource's
 * CRD (and every Secret a chart reads) is there before it is applied:
 *   sealed-secrets → platform-secrets (sealed chart Secrets) → kube-prometheus-stack (monitoring CRDs,
 *   Grafana with its sealed admin) → KEDA (ships ServiceMonitors), broker, Loki, Alloy → the pipeline.
 * Chart versions are pinned in `HELM_CHARTS` (cdk8s/config.ts); every values key set here is a key of
 * that chart version (checked against schemas/charts/<chart>@<version>.json).
 */
import type { BrokerKind } from "../../src/broker/port.js";
import type { EnvironmentName, HelmChartSource } from "../config.js";
import { ENVIRONMENTS, HELM_CHARTS } from "../config.js";
import { brokerEndpoints } from "../lib/broker-endpoints.js";
import { alloyLogsConfig } from "./alloy-config.js";
import type { ArgoApplicationProps } from "./argo-application.js";
import {
  KEDA_NAMESPACE,
  LOKI_GATEWAY_URL,
  MONITORING_NAMESPACE,
  SEALED_SECRETS_CONTROLLER,
} from "../lib/platform-names.js";
import { GRAFANA_ADMIN, memphisSecrets } from "../secrets/catalog.js";

/** Sync waves of the Applications in the app-of-apps (Argo CD waits for each wave to be healthy). */
export const APP_WAVE = {
  /** The Sealed Secrets controller and its CRD. */
  sealedSecrets: -5,
  /** Sealed Secrets the charts read through their existing-secret values. */
  platformSecrets: -4,
  /** Prometheus Operator CRDs (ServiceMonitor, PodMonitor, PrometheusRule), Prometheus, Grafana. */
  monitoring: -3,
  /** KEDA (its ServiceMonitors need the monitoring CRDs), the broker and the log stack. */
  services: -2,
  /** The pipeline itself (SealedSecret, ScaledObject, ServiceMonitor CRDs and the broker). */
  pipeline: 0,
} as const;

const LOKI_PUSH_URL = `${LOKI_GATEWAY_URL}/loki/api/v1/push`;

/** Client-side apply stores the whole object in an annotation; CRDs over 256 KiB need server-side apply. */
export const SERVER_SIDE_APPLY = "ServerSideApply=true";

/** An infrastructure Application: a pinned chart with values. */
export type InfraApp = Omit<ArgoApplicationProps, "project"> & {
  readonly source: { readonly type: "helm"; readonly chart: HelmChartSource; readonly values?: Readonly<Record<string, unknown>> };
  /** Kinds of custom resources it creates whose CRDs another Application installs. @default [] */
  readonly customKinds?: readonly string[];
};

interface HelmAppProps {
  readonly name: string;
  readonly chart: HelmChartSource;
  readonly namespace: string;
  readonly syncWave: number;
  readonly values: Record<string, unknown>;
  /** @default [] */
  readonly syncOptions?: readonly string[];
  /** @default [] */
  readonly customKinds?: readonly string[];
}

function helm(p: HelmAppProps): InfraApp {
  const customKinds = p.customKinds ?? [];
  return {
    name: p.name,
    destinationNamespace: p.namespace,
    syncWave: p.syncWave,
    // A CR whose CRD another Application installs cannot be dry-run before that CRD exists.
    syncOptions: [...(p.syncOptions ?? []), ...(customKinds.length > 0 ? ["SkipDryRunOnMissingResource=true"] : [])],
    customKinds,
    source: { type: "helm", chart: p.chart, releaseName: p.name, values: p.values },
  };
}

function brokerApplication(kind: BrokerKind, env: EnvironmentName): InfraApp {
  const { nodes, storageGibibytes } = ENVIRONMENTS[env].broker;
  const clustered = nodes > 1;
  const { streamReplicas } = ENVIRONMENTS[env];
  if (streamReplicas > nodes)
    throw new Error(`ENVIRONMENTS.${env}: streamReplicas ${streamReplicas} exceeds broker.nodes ${nodes}`);
  const endpoints = brokerEndpoints(kind);
  switch (kind) {
    case "memphis": {
      const secrets = memphisSecrets(env);
      return helm({
        name: "memphis",
        chart: HELM_CHARTS.memphis,
        namespace: endpoints.namespace,
        syncWave: APP_WAVE.services,
        values: {
          global: { cluster: { enabled: clustered } },
          // The chart's randAlphaNum credentials survive only through `lookup`, which Argo CD does not
          // run (argoproj/argo-cd#5202): use the sealed Secret of the same name instead.
          // Users log in with a password (the apps' user is created by the pipeline's memphis-user Job).
          memphis: {
            creds: { secretConfig: { existingSecret: true, name: secrets.creds.name } },
            configFile: { userPassBasedAuth: true },
          },
          // The exporter sidecar (port 7777) publishes memphis_consumer_num_pending & co.
          exporter: { enabled: true },
          // Bundled PostgreSQL for Memphis metadata; its passwords have no lookup at all.
          metadata: {
            enabled: true,
            postgresql: { existingSecret: secrets.metadata.name },
            pgpool: { existingSecret: secrets.coordinator.name },
          },
        },
      });
    }
    case "nats":
      return helm({
        name: "nats",
        chart: HELM_CHARTS.nats,
        namespace: endpoints.namespace,
        syncWave: APP_WAVE.services,
        values: {
          config: {
            cluster: { enabled: clustered, replicas: nodes },
            jetstream: { enabled: true, fileStore: { pvc: { size: `${storageGibibytes}Gi` } } },
          },
          promExporter: { enabled: true },
        },
      });
  }
}

/** Infrastructure Applications of an environment, in sync-wave order. */
export function infrastructureApplications(env: EnvironmentName, broker: BrokerKind): InfraApp[] {
  return [
    helm({
      name: "sealed-secrets",
      chart: HELM_CHARTS.sealedSecrets,
      namespace: SEALED_SECRETS_CONTROLLER.namespace,
      syncWave: APP_WAVE.sealedSecrets,
      // The name `kubeseal` looks for by default.
      values: { fullnameOverride: SEALED_SECRETS_CONTROLLER.name },
    }),
    helm({
      name: "kube-prometheus-stack",
      chart: HELM_CHARTS.kubePrometheusStack,
      namespace: MONITORING_NAMESPACE,
      syncWave: APP_WAVE.monitoring,
      values: {
        prometheus: {
          prometheusSpec: {
            // Pick up ServiceMonitors, PodMonitors and rules of every namespace, whatever their labels.
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
            ruleSelectorNilUsesHelmValues: false,
          },
        },
        grafana: {
          // Not the chart default "prom-operator": the sealed platform Secret.
          admin: {
            existingSecret: GRAFANA_ADMIN.name,
            userKey: GRAFANA_ADMIN.keys[0],
            passwordKey: GRAFANA_ADMIN.keys[1],
          },
          sidecar: {
            // ConfigMaps labelled grafana_dashboard (any value) in any namespace become dashboards.
            dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "", searchNamespace: "ALL" },
          },
          additionalDataSources: [{ name: "Loki", type: "loki", access: "proxy", url: LOKI_GATEWAY_URL }],
        },
      },
      syncOptions: [SERVER_SIDE_APPLY],
    }),
    helm({
      name: "keda",
      chart: HELM_CHARTS.keda,
      namespace: KEDA_NAMESPACE,
      syncWave: APP_WAVE.services,
      values: {
        prometheus: {
          operator: { enabled: true, serviceMonitor: { enabled: true } },
          metricServer: { enabled: true, serviceMonitor: { enabled: true } },
        },
      },
      syncOptions: [SERVER_SIDE_APPLY],
      customKinds: ["ServiceMonitor"],
    }),
    brokerApplication(broker, env),
    helm({
      name: "loki",
      chart: HELM_CHARTS.loki,
      namespace: MONITORING_NAMESPACE,
      syncWave: APP_WAVE.services,
      values: {
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
      },
    }),
    helm({
      name: "alloy",
      chart: HELM_CHARTS.alloy,
      namespace: MONITORING_NAMESPACE,
      syncWave: APP_WAVE.services,
      values: {
        alloy: { configMap: { content: alloyLogsConfig(LOKI_PUSH_URL) } },
        controller: { type: "deployment", replicas: 1 },
      },
    }),
  ];
}
