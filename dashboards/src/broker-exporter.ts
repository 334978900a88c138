/**
 * The queue series each broker's Prometheus exporter really exports, per consumer group, so that
 * each environment's dashboard reads what its broker's exporter produces:
 * - Memphis: the exporter sidecar of the Memphis chart, `memphis_consumer_num_pending`,
 *   `memphis_consumer_num_ack_pending`, `memphis_consumer_num_redelivered` {consumer_name}
 *   (scraped by the PodMonitor in dist-manifests/<env>/podmonitor-memphis-exporter.yaml).
 * - NATS: the NATS chart's `promExporter` (nats-io/k8s@nats-2.14.2:helm/charts/nats/files/
 *   stateful-set/prom-exporter-container.yaml) runs prometheus-nats-exporter with `-prefix=nats`
 *   and `-jsz=all`. The JetStream collector takes the prefix as its metric namespace
 *   (nats-io/prometheus-nats-exporter:collector/collector.go getSystem, collector/jsz.go), so its
 *   consumer series are `nats_consumer_num_pending`, `nats_consumer_num_ack_pending`,
 *   `nats_consumer_num_redelivered` {stream_name, consumer_name}.
 */
import type { BrokerKind } from "../../src/broker/port.js";

/** One exporter's consumer-group series. */
export interface BrokerExporterSeries {
  /** Who exports them, for panel descriptions. */
  readonly exporter: string;
  readonly pending: string;
  readonly ackPending: string;
  readonly redelivered: string;
  /** The label that carries the consumer group's name. */
  readonly consumerLabel: string;
}

export const BROKER_EXPORTER_SERIES: Record<BrokerKind, BrokerExporterSeries> = {
  memphis: {
    exporter: "the Memphis chart's exporter sidecar",
    pending: "memphis_consumer_num_pending",
    ackPending: "memphis_consumer_num_ack_pending",
    redelivered: "memphis_consumer_num_redelivered",
    consumerLabel: "consumer_name",
  },
  nats: {
    exporter: "the NATS chart's prometheus-nats-exporter (promExporter)",
    pending: "nats_consumer_num_pending",
    ackPending: "nats_consumer_num_ack_pending",
    redelivered: "nats_consumer_num_redelivered",
    consumerLabel: "consumer_name",
  },
};

/** Metric name prefixes of the exporters' series (what the local page cannot have without them). */
export const BROKER_EXPORTER_METRIC_PREFIXES: readonly string[] = [
  ...new Set(Object.values(BROKER_EXPORTER_SERIES).map((s) => `${s.pending.split("_")[0]}_`)),
];
