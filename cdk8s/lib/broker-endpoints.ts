import { MEMPHIS_DEFAULTS } from "../../src/broker/memphis/defaults.js";
import { brokerNaming, type BrokerNaming } from "../../src/broker/naming.js";
import type { BrokerKind } from "../../src/broker/port.js";

/** Where the broker of one kind runs in the cluster (as its Helm chart installs it) and how the apps address it. */
export interface BrokerEndpoints {
  readonly kind: BrokerKind;
  /** Namespace of the broker's Helm release. */
  readonly namespace: string;
  /** Labels of the broker pods (for network policies and the exporter PodMonitor). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Client port (Memphis 6666, NATS 4222). */
  readonly clientPort: number;
  /** Monitoring port (/jsz), read by the apps and by KEDA's nats-jetstream scaler. */
  readonly monitorPort: number;
  /** Prometheus exporter sidecar port. */
  readonly exporterPort: number;
  /** Name of the exporter's container port (for the PodMonitor). */
  readonly exporterPortName: string;
  /** `BROKER_URL` of the apps. */
  readonly url: string;
  /** host:port of the monitoring endpoint (KEDA's `natsServerMonitoringEndpoint`). */
  readonly monitorHostPort: string;
  /** `BROKER_MONITOR_URL` of the apps. */
  readonly monitorUrl: string;
  /**
   * How the broker names the JetStream objects behind stream and group, and the account they live
   * in: the same functions the apps call (KEDA must watch what the apps create).
   */
  readonly naming: BrokerNaming;
}

function clusterHost(service: string, namespace: string): string {
  return `${service}.${namespace}.svc.cluster.local`;
}

/** Memphis chart 1.4.3, release "memphis" in namespace "memphis" (headless Service "memphis"). */
const memphisHost = clusterHost("memphis", "memphis");
const MEMPHIS: BrokerEndpoints = {
  kind: "memphis",
  namespace: "memphis",
  podLabels: { "app.kubernetes.io/name": "memphis" },
  clientPort: MEMPHIS_DEFAULTS.port,
  monitorPort: 8222,
  exporterPort: 7777,
  exporterPortName: "metrics",
  url: `${memphisHost}:${MEMPHIS_DEFAULTS.port}`,
  monitorHostPort: `${memphisHost}:8222`,
  monitorUrl: `http://${memphisHost}:8222`,
  naming: brokerNaming("memphis"),
};

/** NATS chart 1.x, release "nats" in namespace "nats" (Service "nats" with the monitor port enabled). */
const natsHost = clusterHost("nats", "nats");
const NATS: BrokerEndpoints = {
  kind: "nats",
  namespace: "nats",
  podLabels: { "app.kubernetes.io/name": "nats" },
  clientPort: 4222,
  monitorPort: 8222,
  exporterPort: 7777,
  exporterPortName: "prom-metrics",
  url: `nats://${natsHost}:4222`,
  monitorHostPort: `${natsHost}:8222`,
  monitorUrl: `http://${natsHost}:8222`,
  naming: brokerNaming("nats"),
};

export function brokerEndpoints(kind: BrokerKind): BrokerEndpoints {
  switch (kind) {
    case "memphis":
      return MEMPHIS;
    case "nats":
      return NATS;
  }
}
