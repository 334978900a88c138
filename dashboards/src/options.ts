import {
  resolvePipelineTargets,
  type PipelineTargets,
  type ResolvedPipelineTargets,
} from "../../cdk8s/observability/targets.js";

/** What the generated dashboards look at. */
export interface DashboardOptions {
  /**
   * Workload, autoscaler and consumer-group names, used as the default values of the dashboards'
   * text-box variables (changeable in Grafana).
   * @default resolvePipelineTargets() defaults
   */
  readonly targets?: PipelineTargets;
  /**
   * Loki stream label that carries the app name (`producer` / `consumer`). Grafana's and
   * Promtail's Kubernetes defaults copy the pod label `app.kubernetes.io/name` into `app`.
   * @default "app"
   */
  readonly lokiAppLabel?: string;
  /**
   * Dashboard refresh interval.
   * @default "30s"
   */
  readonly refresh?: string;
}

/** `DashboardOptions` with every default applied. */
export interface ResolvedDashboardOptions {
  readonly targets: ResolvedPipelineTargets;
  readonly lokiAppLabel: string;
  readonly refresh: string;
}

/** Apply the defaults (the only place they live) and check the values. */
export function resolveDashboardOptions(options: DashboardOptions = {}): ResolvedDashboardOptions {
  const resolved: ResolvedDashboardOptions = {
    targets: resolvePipelineTargets(options.targets),
    lokiAppLabel: options.lokiAppLabel ?? "app",
    refresh: options.refresh ?? "30s",
  };
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(resolved.lokiAppLabel)) {
    throw new Error(
      `DashboardOptions.lokiAppLabel must be a Loki label name, got ${JSON.stringify(resolved.lokiAppLabel)}`,
    );
  }
  if (!/^[0-9]+[smhd]$/.test(resolved.refresh)) {
    throw new Error(
      `DashboardOptions.refresh must be an interval such as "30s", got ${JSON.stringify(resolved.refresh)}`,
    );
  }
  return resolved;
}
