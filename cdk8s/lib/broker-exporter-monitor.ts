/** PodMonitor for the broker's Prometheus exporter sidecar (Memphis chart exporter / NATS promExporter, port 7777). */
import { Construct } from "constructs";
import { PodMonitor } from "../imports/prometheus-operator-monitoring.coreos.com.js";
import { SYNC_WAVE, syncWave } from "./argo-annotations.js";
import type { BrokerEndpoints } from "./broker-endpoints.js";
import { PART_OF } from "./labels.js";

export interface BrokerExporterMonitorProps {
  readonly broker: BrokerEndpoints;
  /** Scrape interval. @default "15s" */
  readonly interval?: string;
}

export class BrokerExporterMonitor extends Construct {
  readonly podMonitor: PodMonitor;

  constructor(scope: Construct, id: string, props: BrokerExporterMonitorProps) {
    super(scope, id);
    this.podMonitor = new PodMonitor(this, "resource", {
      metadata: {
        name: `${props.broker.kind}-exporter`,
        labels: { "app.kubernetes.io/part-of": PART_OF },
        annotations: syncWave(SYNC_WAVE.apps),
      },
      spec: {
        namespaceSelector: { matchNames: [props.broker.namespace] },
        selector: { matchLabels: { ...props.broker.podLabels } },
        podMetricsEndpoints: [
          { port: props.broker.exporterPortName, path: "/metrics", interval: props.interval ?? "15s" },
        ],
      },
    });
  }
}
