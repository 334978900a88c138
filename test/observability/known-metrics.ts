/**
 * The metric names the dashboards and alerts may use: the apps' own (from the shared contract, or
 * scraped live from their /metrics), the Memphis exporter's, and a list of external ones.
 */

/** Prometheus metric types that matter for sample names. */
export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

/** Metrics of the shared contract, per app (prom-client names; counters include `_total`). */
export const CONTRACT_APP_METRICS: Readonly<
  Record<"producer" | "consumer", Readonly<Record<string, MetricType>>>
> = {
  producer: {
    producer_messages_published_total: "counter",
    producer_publish_failures_total: "counter",
    producer_target_rate_messages_per_second: "gauge",
    producer_publish_in_flight: "gauge",
    producer_publish_duration_seconds: "histogram",
    broker_queue_depth_messages: "gauge",
  },
  consumer: {
    consumer_messages_total: "counter",
    consumer_processing_duration_seconds: "histogram",
    consumer_end_to_end_latency_seconds: "histogram",
    consumer_in_flight_messages: "gauge",
    consumer_dead_lettered_total: "counter",
    consumer_conflicting_messages_total: "counter",
    broker_queue_depth_messages: "gauge",
  },
};

/** The Memphis Helm chart's exporter sidecar (prometheus-nats-exporter fork, `-prefix=memphis -jsz=all`). */
export const MEMPHIS_EXPORTER_METRICS: Readonly<Record<string, MetricType>> = {
  memphis_consumer_num_pending: "gauge",
  memphis_consumer_num_ack_pending: "gauge",
  memphis_consumer_num_redelivered: "gauge",
  memphis_stream_total_messages: "gauge",
};

/**
 * The NATS chart's promExporter (prometheus-nats-exporter `-prefix=nats -jsz=all`: the prefix is
 * the JetStream collector's namespace, nats-io/prometheus-nats-exporter:collector/jsz.go).
 */
export const NATS_EXPORTER_METRICS: Readonly<Record<string, MetricType>> = {
  nats_consumer_num_pending: "gauge",
  nats_consumer_num_ack_pending: "gauge",
  nats_consumer_num_redelivered: "gauge",
};

/** Known external metrics: kube-state-metrics and the KEDA operator. */
export const EXTERNAL_METRICS: Readonly<Record<string, MetricType>> = {
  kube_deployment_spec_replicas: "gauge",
  kube_deployment_status_replicas: "gauge",
  kube_deployment_status_replicas_ready: "gauge",
  kube_horizontalpodautoscaler_spec_max_replicas: "gauge",
  keda_scaler_metrics_value: "gauge",
};

/** The sample names a metric family produces. */
export function sampleNames(family: string, type: MetricType): string[] {
  switch (type) {
    case "histogram":
      return [`${family}_bucket`, `${family}_sum`, `${family}_count`];
    case "summary":
      return [family, `${family}_sum`, `${family}_count`];
    default:
      return [family];
  }
}

/** Every sample name of a set of families. */
export function allSampleNames(families: Readonly<Record<string, MetricType>>): Set<string> {
  return new Set(Object.entries(families).flatMap(([family, type]) => sampleNames(family, type)));
}

/**
 * Metric families declared in a Prometheus text exposition (`# TYPE name type` lines; prom-client
 * writes them even for labelled metrics that have no sample yet).
 */
export function familiesInExposition(text: string): Record<string, MetricType> {
  const families: Record<string, MetricType> = {};
  for (const line of text.split("\n")) {
    const match = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(
      line.trim(),
    );
    if (match?.[1] !== undefined && match[2] !== undefined) families[match[1]] = match[2] as MetricType;
  }
  return families;
}
