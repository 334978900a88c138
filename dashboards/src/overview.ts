/**
 * "Event pipeline": the producer's rate against its target, the queue (as the apps and as the
 * broker's exporter see it), the consumers' replicas and KEDA's scaler metric, throughput by
 * outcome, latency, dead letters and publish failures.
 */
import {
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  RowBuilder,
} from "@grafana/grafana-foundation-sdk/dashboard";
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { BROKER_BY_ENVIRONMENT } from "../../cdk8s/config.js";
import { BROKER_EXPORTER_SERIES } from "./broker-exporter.js";
import type { ResolvedDashboardOptions } from "./options.js";
import { timeseries, type PromQuery } from "./panels.js";
import {
  namespaceVariable,
  PROMETHEUS_VARIABLE,
  prometheusDatasourceVariable,
  textVariable,
} from "./variables.js";

export const OVERVIEW_UID = "event-pipeline-overview";

const NS = `namespace="$namespace"`;
const RATE = "$__rate_interval";

function quantiles(metricBucket: string, selector: string): PromQuery[] {
  return [0.5, 0.95, 0.99].map((q) => ({
    expr: `histogram_quantile(${q}, sum by (le) (rate(${metricBucket}{${selector}}[${RATE}])))`,
    legend: `p${Math.round(q * 100)}`,
  }));
}

export function overviewDashboard(options: ResolvedDashboardOptions, logsUid: string): Dashboard {
  const t = options.targets;
  const kedaNs = `${t.kedaNamespaceLabel}="$namespace"`;
  const builder = new DashboardBuilder("Event pipeline")
    .uid(OVERVIEW_UID)
    .description(
      "Producer rate vs target, queue depth, consumer autoscaling, throughput, latency and failures.",
    )
    .tags(["event-pipeline", "keda", "nats", "memphis"])
    .timezone("browser")
    .time({ from: "now-3h", to: "now" })
    .refresh(options.refresh)
    .tooltip(DashboardCursorSync.Crosshair)
    .readonly()
    .withVariable(prometheusDatasourceVariable())
    .withVariable(namespaceVariable())
    .withVariable(
      textVariable(
        "consumer_group",
        "Consumer group",
        t.consumerGroup,
        "Durable consumer group (consumer_name of the Memphis exporter's metrics).",
      ),
    )
    .withVariable(
      textVariable(
        "consumer_deployment",
        "Consumer Deployment",
        t.consumerDeployment,
        "Name of the consumer Deployment.",
      ),
    )
    .withVariable(
      textVariable(
        "scaled_object",
        "ScaledObject",
        t.scaledObject,
        "KEDA ScaledObject of the consumer; its HPA is keda-hpa-<name> unless overridden.",
      ),
    )
    .link(
      new DashboardLinkBuilder("Logs")
        .type(DashboardLinkType.Link)
        .url(
          `/d/${logsUid}?\${__url_time_range}&\${namespace:queryparam}&\${${PROMETHEUS_VARIABLE}:queryparam}`,
        )
        .icon("doc")
        .tooltip("Producer and consumer logs")
        .targetBlank(false),
    );

  builder.withRow(new RowBuilder("Producer"));
  builder.withPanel(
    timeseries({
      title: "Production rate vs target",
      description:
        "Messages the broker stored (and recognised as duplicates) per second, against the producer's target rate " +
        "(RATE_PER_SECOND, from the producer-config ConfigMap).",
      unit: "suffix: msg/s",
      queries: [
        {
          expr: `sum by (outcome) (rate(producer_messages_published_total{${NS}}[${RATE}]))`,
          legend: "published {{outcome}}",
        },
        { expr: `sum(producer_target_rate_messages_per_second{${NS}})`, legend: "target" },
      ],
    }),
  );
  builder.withPanel(
    timeseries({
      title: "Publish failures",
      description:
        "Failed publish attempts per second by reason; the producer retries them with the same message id.",
      unit: "suffix: /s",
      stacked: true,
      queries: [
        {
          expr: `sum by (reason) (rate(producer_publish_failures_total{${NS}}[${RATE}]))`,
          legend: "{{reason}}",
        },
      ],
    }),
  );
  builder.withPanel(
    timeseries({
      title: "Publish latency",
      description: "Time from publish to the broker's ack (percentiles).",
      unit: "s",
      queries: quantiles("producer_publish_duration_seconds_bucket", NS),
    }),
  );
  builder.withPanel(
    timeseries({
      title: "Publishes in flight",
      description: "Publishes waiting for the broker's ack (bounded by MAX_IN_FLIGHT).",
      unit: "short",
      queries: [{ expr: `sum(producer_publish_in_flight{${NS}})`, legend: "in flight" }],
    }),
  );

  builder.withRow(new RowBuilder("Queue"));
  builder.withPanel(
    timeseries({
      title: "Queue depth (apps)",
      description:
        "Pending (not yet delivered) and unacknowledged messages of the consumer group, read by the apps from the " +
        "broker's monitoring endpoint the way KEDA's nats-jetstream scaler reads it. Their sum is the scaler's lag.",
      unit: "short",
      stacked: true,
      queries: [{ expr: `max by (state) (broker_queue_depth_messages{${NS}})`, legend: "{{state}}" }],
    }),
  );
  // Each environment's broker exporter, read from its own series (dashboards/src/broker-exporter.ts).
  const brokers = [...new Set(Object.values(BROKER_BY_ENVIRONMENT))].sort();
  builder.withPanel(
    timeseries({
      title: "Queue depth (broker exporter)",
      description:
        `The same numbers from the broker's own exporter: ${brokers.map((b) => BROKER_EXPORTER_SERIES[b].exporter).join("; ")}. ` +
        "Redelivered: messages delivered more than once and not yet acknowledged.",
      unit: "short",
      queries: brokers.flatMap((broker) => {
        const series = BROKER_EXPORTER_SERIES[broker];
        const group = `{${series.consumerLabel}="$consumer_group"}`;
        const suffix = brokers.length > 1 ? ` (${broker})` : "";
        return [
          { expr: `sum(${series.pending}${group})`, legend: `pending${suffix}` },
          { expr: `sum(${series.ackPending}${group})`, legend: `unacked${suffix}` },
          { expr: `sum(${series.redelivered}${group})`, legend: `redelivered${suffix}` },
        ];
      }),
    }),
  );

  builder.withRow(new RowBuilder("Autoscaling"));
  builder.withPanel(
    timeseries({
      title: "Consumer replicas",
      description:
        "Desired and ready replicas of the consumer Deployment, and the maximum KEDA's HPA allows.",
      unit: "short",
      queries: [
        {
          expr: `max(kube_deployment_spec_replicas{${NS}, deployment="$consumer_deployment"})`,
          legend: "desired",
        },
        {
          expr: `max(kube_deployment_status_replicas_ready{${NS}, deployment="$consumer_deployment"})`,
          legend: "ready",
        },
        {
          expr: `max(kube_horizontalpodautoscaler_spec_max_replicas{${NS}, horizontalpodautoscaler="keda-hpa-$scaled_object"})`,
          legend: "max",
        },
      ],
    }),
  );
  builder.withPanel(
    timeseries({
      title: "KEDA scaler metric",
      description:
        "The value KEDA feeds the HPA for the consumer's ScaledObject (the queue lag), per trigger metric.",
      unit: "short",
      queries: [
        {
          expr: `max by (metric) (keda_scaler_metrics_value{${kedaNs}, scaledObject="$scaled_object"})`,
          legend: "{{metric}}",
        },
      ],
    }),
  );

  builder.withRow(new RowBuilder("Consumer"));
  builder.withPanel(
    timeseries({
      title: "Throughput by outcome",
      description:
        "Messages settled per second: processed, duplicate (already done, skipped), retried, dead-lettered.",
      unit: "suffix: msg/s",
      stacked: true,
      queries: [
        {
          expr: `sum by (outcome) (rate(consumer_messages_total{${NS}}[${RATE}]))`,
          legend: "{{outcome}}",
        },
      ],
    }),
  );
  builder.withPanel(
    timeseries({
      title: "End-to-end latency",
      description: "From the envelope's producedAt to the end of processing (percentiles).",
      unit: "s",
      queries: quantiles("consumer_end_to_end_latency_seconds_bucket", NS),
    }),
  );
  builder.withPanel(
    timeseries({
      title: "Processing time",
      description: "Time spent processing one message (percentiles and mean).",
      unit: "s",
      queries: [
        ...quantiles("consumer_processing_duration_seconds_bucket", NS),
        {
          expr:
            `sum(rate(consumer_processing_duration_seconds_sum{${NS}}[${RATE}]))` +
            ` / sum(rate(consumer_processing_duration_seconds_count{${NS}}[${RATE}]))`,
          legend: "mean",
        },
      ],
    }),
  );
  builder.withPanel(
    timeseries({
      title: "Messages in flight",
      description:
        "Messages being processed right now, over all consumer replicas (bounded by CONCURRENCY each).",
      unit: "short",
      queries: [{ expr: `sum(consumer_in_flight_messages{${NS}})`, legend: "in flight" }],
    }),
  );
  builder.withPanel(
    timeseries({
      title: "Dead-lettered",
      description:
        "Messages moved to the dead-letter stream, by reason: poison (processing always fails), malformed " +
        "(not a valid envelope), max_deliveries (redelivered too often); and messages whose dead-letter record " +
        "could not be stored (handed back, alerted on), and bodies that reused an applied id.",
      unit: "short",
      bars: true,
      stacked: true,
      width: 24,
      queries: [
        {
          expr: `sum by (reason) (increase(consumer_dead_lettered_total{${NS}}[${RATE}]))`,
          legend: "{{reason}}",
        },
        {
          expr: `sum (increase(consumer_messages_total{${NS}, outcome="dead_letter_failed"}[${RATE}]))`,
          legend: "dead-lettering failed",
        },
        {
          expr: `sum (increase(consumer_conflicting_messages_total{${NS}}[${RATE}]))`,
          legend: "conflicting body (acked as duplicate)",
        },
      ],
    }),
  );
  return builder.build();
}
