/**
 * The server versions production deploys, read from the pinned charts' vendored facts: the
 * nats-server the NATS chart ships (its appVersion) and the Prometheus kube-prometheus-stack
 * deploys (its default image tag).
 */
import { readChartFacts } from "../cdk8s/argocd/chart-facts.js";
import { HELM_CHARTS } from "../cdk8s/config.js";
import type { DeployedServers } from "./broker-version-matrix.js";

export function deployedServers(schemasDir?: string): DeployedServers {
  const nats = readChartFacts(HELM_CHARTS.nats, schemasDir);
  const stack = readChartFacts(HELM_CHARTS.kubePrometheusStack, schemasDir);
  const prometheus = stack.deployedVersions?.prometheus?.version;
  if (nats.appVersion === undefined)
    throw new Error(`chart facts ${nats.chart}@${nats.version} have no appVersion`);
  if (prometheus === undefined)
    throw new Error(`chart facts ${stack.chart}@${stack.version} have no deployedVersions.prometheus`);
  return {
    natsChart: { version: nats.version, appVersion: nats.appVersion },
    prometheusChart: { version: stack.version, prometheusVersion: prometheus },
  };
}
