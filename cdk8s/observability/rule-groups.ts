/**
 * The pipeline's alerting rules as plain Prometheus rule groups. The `AlertRules` construct puts
 * them in a PrometheusRule; `renderPrometheusRuleFile` writes them as a rule file for promtool.
 */
import { resolveAlertRuleOptions, type AlertRuleOptions } from "./rule-options.js";
import type { RuleGroup } from "./rule-types.js";

/** Build the rule groups for one environment. */
export function eventPipelineRuleGroups(options: AlertRuleOptions): RuleGroup[] {
  const o = resolveAlertRuleOptions(options);
  const t = o.targets;
  const ns = `namespace="${o.namespace}"`;

  // Both apps export the broker's queue depth (same value); take the max over instances per state,
  // then add the states up: pending + unacknowledged, the lag KEDA scales on.
  const queueDepth = `broker_queue_depth_messages{${ns}}`;
  const backlog = `sum by (namespace) (max by (namespace, state) (${queueDepth}))`;
  const backlogGrowth = `sum by (namespace) (max by (namespace, state) (delta(${queueDepth}[${o.backlogGrowthWindow}])))`;

  const deadLettered = `consumer_dead_lettered_total{${ns}}`;
  const deadLetterFailed = `consumer_messages_total{${ns}, outcome="dead_letter_failed"}`;
  const replicas = `kube_deployment_status_replicas{${ns}, deployment="${t.consumerDeployment}"}`;
  const maxReplicas = `kube_horizontalpodautoscaler_spec_max_replicas{${ns}, horizontalpodautoscaler="${t.horizontalPodAutoscaler}"}`;
  const scalerMetric = `keda_scaler_metrics_value{${t.kedaNamespaceLabel}="${o.namespace}", scaledObject="${t.scaledObject}"}`;
  /** A warning that fires when a series the other alerts depend on has been absent for `metricMissingFor`. */
  const metricMissing = (alert: string, series: string, summary: string, description: string) => ({
    alert,
    expr: `absent(${series})`,
    for: o.metricMissingFor,
    labels: { severity: "warning", namespace: o.namespace },
    annotations: { summary, description },
  });

  return [
    {
      name: "event-pipeline.queue",
      rules: [
        {
          alert: "EventPipelineBacklogGrowing",
          expr: `${backlog} > ${o.backlogMinMessages}\nand\n${backlogGrowth} > 0`,
          for: o.backlogGrowingFor,
          labels: { severity: "warning" },
          annotations: {
            summary: "Event backlog keeps growing",
            description:
              `The backlog of consumer group ${t.consumerGroup} in {{ $labels.namespace }} is {{ $value }} messages ` +
              `and has grown for ${o.backlogGrowingFor}: consumers do not keep up with the producer.`,
          },
        },
        {
          alert: "EventPipelineConsumersAtMaxReplicas",
          expr:
            `(\n  max by (namespace) (${replicas})\n  >= max by (namespace) (${maxReplicas})\n)\n` +
            `and\n${backlogGrowth} > 0`,
          for: o.atMaxReplicasFor,
          labels: { severity: "critical" },
          annotations: {
            summary: "Consumers are at max replicas and the backlog still grows",
            description:
              `Deployment ${t.consumerDeployment} in {{ $labels.namespace }} runs {{ $value }} replicas, the maximum of ` +
              `${t.horizontalPodAutoscaler}, and the backlog has kept growing for ${o.atMaxReplicasFor}. ` +
              "Raise maxReplicaCount or lower the producer rate.",
          },
        },
        metricMissing(
          "EventPipelineScalerMetricMissing",
          scalerMetric,
          "KEDA reports no scaler metric for the consumer",
          `keda_scaler_metrics_value for ScaledObject ${t.scaledObject} in ${o.namespace} has been missing for ` +
            `${o.metricMissingFor}: the consumers are not autoscaled (ScaledObject, trigger or KEDA metrics broken).`,
        ),
        metricMissing(
          "EventPipelineQueueDepthMissing",
          queueDepth,
          "No app reports the queue depth",
          `broker_queue_depth_messages in ${o.namespace} has been missing for ${o.metricMissingFor}: the backlog ` +
            "alerts are blind (apps down, not scraped, or the broker's monitoring endpoint unreachable).",
        ),
      ],
    },
    {
      name: "event-pipeline.failures",
      rules: [
        {
          alert: "EventPipelineDeadLetters",
          // The second branch catches a counter series that appears already above zero (its first
          // increment is invisible to increase()).
          expr:
            `sum by (namespace, reason) (increase(${deadLettered}[${o.deadLetterWindow}])) > 0\nor\n` +
            `sum by (namespace, reason) (${deadLettered} > 0 unless ${deadLettered} offset ${o.deadLetterWindow})`,
          labels: { severity: "warning" },
          annotations: {
            summary: "Messages are being dead-lettered",
            description:
              `Messages were dead-lettered in {{ $labels.namespace }} in the last ${o.deadLetterWindow} ` +
              "(reason {{ $labels.reason }}). Inspect the dead-letter stream.",
          },
        },
        {
          alert: "EventPipelineDeadLetteringFailed",
          // Same shape as EventPipelineDeadLetters: a new series already at 1 counts too.
          expr:
            `sum by (namespace) (increase(${deadLetterFailed}[${o.deadLetterWindow}])) > 0\nor\n` +
            `sum by (namespace) (${deadLetterFailed} > 0 unless ${deadLetterFailed} offset ${o.deadLetterWindow})`,
          labels: { severity: "critical" },
          annotations: {
            summary: "Messages could not be dead-lettered",
            description:
              `A consumer in {{ $labels.namespace }} failed to store a dead-letter record in the last ${o.deadLetterWindow} ` +
              "and handed the message back. One that keeps failing stays in the stream, unsettled, after its last " +
              "delivery: read the consumer's \"dead-lettering failed\" log lines and the dead-letter stream's limits.",
          },
        },
        {
          alert: "EventPipelinePublishFailures",
          expr: `sum by (namespace, reason) (rate(producer_publish_failures_total{${ns}}[5m])) > 0`,
          for: o.publishFailuresFor,
          labels: { severity: "warning" },
          annotations: {
            summary: "The producer keeps failing to publish",
            description:
              "The producer in {{ $labels.namespace }} has kept failing to publish (reason {{ $labels.reason }}) " +
              `for ${o.publishFailuresFor}; it retries with the same message id, but the backlog of unpublished events grows.`,
          },
        },
      ],
    },
  ];
}
