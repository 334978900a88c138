import { resolvePipelineTargets, type PipelineTargets, type ResolvedPipelineTargets } from "./targets.js";

/** What the alert rules watch and how patient they are. */
export interface AlertRuleOptions {
  /** Namespace the producer and consumer run in (label `namespace` of their metrics). */
  readonly namespace: string;
  /**
   * Workload, autoscaler and consumer-group names.
   * @default resolvePipelineTargets() defaults
   */
  readonly targets?: PipelineTargets;
  /**
   * Backlog (pending + unacknowledged) below which a growing queue is not worth an alert.
   * @default 100
   */
  readonly backlogMinMessages?: number;
  /**
   * Window over which the backlog's growth is measured (`delta(...[window])`).
   * @default "10m"
   */
  readonly backlogGrowthWindow?: string;
  /**
   * How long the backlog must keep growing before `EventPipelineBacklogGrowing` fires.
   * @default "15m"
   */
  readonly backlogGrowingFor?: string;
  /**
   * How long the consumers must sit at max replicas with a growing backlog before
   * `EventPipelineConsumersAtMaxReplicas` fires.
   * @default "10m"
   */
  readonly atMaxReplicasFor?: string;
  /**
   * Window in which a new dead letter makes `EventPipelineDeadLetters` fire.
   * @default "5m"
   */
  readonly deadLetterWindow?: string;
  /**
   * How long publish failures must keep happening before `EventPipelinePublishFailures` fires. The
   * failure rate is taken over 5m, so a burst (a broker restart) shorter than this minus 5m never fires.
   * @default "10m"
   */
  readonly publishFailuresFor?: string;
  /**
   * How long a metric must be missing before `EventPipelineScalerMetricMissing` /
   * `EventPipelineQueueDepthMissing` fire.
   * @default "10m"
   */
  readonly metricMissingFor?: string;
}

/** `AlertRuleOptions` with every default applied. */
export interface ResolvedAlertRuleOptions extends Required<Omit<AlertRuleOptions, "targets">> {
  readonly targets: ResolvedPipelineTargets;
}

const DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Apply the defaults (the only place they live) and check every value. */
export function resolveAlertRuleOptions(options: AlertRuleOptions): ResolvedAlertRuleOptions {
  const resolved: ResolvedAlertRuleOptions = {
    namespace: options.namespace,
    targets: resolvePipelineTargets(options.targets),
    backlogMinMessages: options.backlogMinMessages ?? 100,
    backlogGrowthWindow: options.backlogGrowthWindow ?? "10m",
    backlogGrowingFor: options.backlogGrowingFor ?? "15m",
    atMaxReplicasFor: options.atMaxReplicasFor ?? "10m",
    deadLetterWindow: options.deadLetterWindow ?? "5m",
    publishFailuresFor: options.publishFailuresFor ?? "10m",
    metricMissingFor: options.metricMissingFor ?? "10m",
  };
  if (typeof resolved.namespace !== "string" || !NAMESPACE.test(resolved.namespace)) {
    throw new Error(
      `AlertRuleOptions.namespace must be a Kubernetes namespace name, got ${JSON.stringify(resolved.namespace)}`,
    );
  }
  if (!Number.isFinite(resolved.backlogMinMessages) || resolved.backlogMinMessages < 0) {
    throw new Error(
      `AlertRuleOptions.backlogMinMessages must be a number >= 0, got ${String(resolved.backlogMinMessages)}`,
    );
  }
  for (const key of [
    "backlogGrowthWindow",
    "backlogGrowingFor",
    "atMaxReplicasFor",
    "deadLetterWindow",
    "publishFailuresFor",
    "metricMissingFor",
  ] as const) {
    if (!DURATION.test(resolved[key])) {
      throw new Error(
        `AlertRuleOptions.${key} must be a Prometheus duration such as "10m", got ${JSON.stringify(resolved[key])}`,
      );
    }
  }
  return resolved;
}
