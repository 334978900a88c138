/**
 * prometheus.yml of the local run, and the file-based service discovery of the apps.
 *
 * The target labels are those the cluster's discovery gives the same targets, so the dashboards
 * and rules need no local variant:
 * - the apps, found by their ServiceMonitors (role endpoints): `namespace`, `service`, `pod`,
 *   `container`, `endpoint` (the Service port's name) and `job` (the Service's name), as the
 *   Prometheus Operator's relabelings set them
 *   (prometheus-operator/prometheus-operator:pkg/prometheus/promcfg.go, generateServiceMonitorConfig).
 * - the KEDA operator, by the KEDA chart's ServiceMonitor, without `honorLabels`: its target
 *   `namespace` is `keda`, so KEDA's own `namespace` label becomes `exported_namespace` (Prometheus
 *   `honor_labels: false`), the label the dashboards and rules read (cdk8s/observability/targets.ts).
 * - kube-state-metrics, by kube-prometheus-stack's ServiceMonitor with `honorLabels: true`
 *   (charts/kube-prometheus-stack/charts/kube-state-metrics/templates/servicemonitor.yaml), so
 *   its `namespace` label is the object's.
 */
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import type { ClusterIdentity } from "./cluster-identity.js";
import { KEDA_METRICS_PATH, KUBE_STATE_METRICS_PATH } from "./controller-metrics.js";

/** One app process to scrape. */
export interface AppTarget {
  /** 127.0.0.1 port of its /metrics. */
  readonly port: number;
  /** Pod name (the process's INSTANCE_ID). */
  readonly pod: string;
  /** Service and container name: `producer` or `consumer`. */
  readonly app: string;
}

export interface ScrapeConfigProps {
  readonly identity: ClusterIdentity;
  /** Scrape and rule evaluation interval. */
  readonly intervalSeconds: number;
  /** host:port of the controller metrics stand-ins. */
  readonly controllersAddress: string;
  /** Name of the Service port the ServiceMonitors select (the `endpoint` label). */
  readonly endpointPort: string;
}

/** The app targets' file, watched by Prometheus (file_sd_configs). */
export const APP_TARGETS_FILE = "app-targets.json";
/** The rule file, beside prometheus.yml. */
export const RULE_FILE = "rules.yml";

export function scrapeConfig(props: ScrapeConfigProps, dir: string): string {
  const { identity } = props;
  const interval = `${props.intervalSeconds}s`;
  return stringify({
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    rule_files: [join(dir, RULE_FILE)],
    scrape_configs: [
      {
        job_name: "apps",
        // Inotify picks up every rewrite at once; the refresh is only a backstop.
        file_sd_configs: [{ files: [join(dir, APP_TARGETS_FILE)], refresh_interval: interval }],
      },
      {
        job_name: "keda-operator",
        metrics_path: KEDA_METRICS_PATH,
        honor_labels: false,
        static_configs: [
          {
            targets: [props.controllersAddress],
            labels: {
              namespace: identity.kedaNamespace,
              service: "keda-operator",
              job: "keda-operator",
              endpoint: "metrics",
            },
          },
        ],
      },
      {
        job_name: "kube-state-metrics",
        metrics_path: KUBE_STATE_METRICS_PATH,
        honor_labels: true,
        static_configs: [
          {
            targets: [props.controllersAddress],
            labels: {
              namespace: identity.kubeStateMetricsNamespace,
              service: "kube-prometheus-stack-kube-state-metrics",
              job: "kube-state-metrics",
              endpoint: "http",
            },
          },
        ],
      },
    ],
  });
}

/** Write the app targets atomically (Prometheus must never read a half-written file). */
export async function writeAppTargets(
  dir: string,
  targets: readonly AppTarget[],
  props: Pick<ScrapeConfigProps, "identity" | "endpointPort">,
): Promise<void> {
  const groups = targets.map((t) => ({
    targets: [`127.0.0.1:${t.port}`],
    labels: {
      namespace: props.identity.namespace,
      service: t.app,
      job: t.app,
      pod: t.pod,
      container: t.app,
      endpoint: props.endpointPort,
    },
  }));
  const path = join(dir, APP_TARGETS_FILE);
  await writeFile(`${path}.tmp`, JSON.stringify(groups, null, 2));
  await rename(`${path}.tmp`, path);
}
