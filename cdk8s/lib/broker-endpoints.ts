import { BROKER_DEFAULTS } from "../../src/broker/defaults.js";
import { brokerNaming, type BrokerNaming } from "../../src/broker/naming.js";
import type { BrokerKind } from "../../src/broker/port.js";

/** Where the broker of one kind runs in the cluster (as its Helm chart installs it) and how the apps address it. */
export interface BrokerEndpoints {
  readonly kind: BrokerKind;
  /** Namespace of the broker's Helm release. */
  readonly namespace: string;
  /** Labels of the broker pods (for network policies and the exporter PodMonitor). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Cluster DNS name of the broker's Service. */
  readonly host: string;
  /** Memphis only: the UI / HTTP API port (9000), where the memphis-user Job creates the apps' user. */
  readonly managementPort?: number;
  /** Client port (Memphis 6666, NATS 4222). */
  readonly clientPort: number;
  /** Monitoring port (/jsz), read by the apps and by KEDA's nats-jetstream scaler. */
  readonly monitorPort: number;
  /** Port the broker's nodes connect to each other on (cluster routes). */
  readonly routePort: number;
  /** Prometheus exporter sidecar port. */
  readonly exporterPort: number;
  /** Name of the exporter's container port (for the PodMonitor). */
  readonly exporterPortName: string;
  /** `BROKER_URL` of the apps. */
  readonly url: string;
  /**
   * host:port of the monitoring endpoint (KEDA's `natsServerMonitoringEndpoint`), on a headless
   * Service: with a clustered JetStream KEDA reads the consumer's leader at
   * `<leader node name>.<this host:port>` (kedacore/keda pkg/scalers/nats_jetstream_scaler.go), which
   * resolves only through the Service of the StatefulSet's pods.
   */
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

/** The monitoring endpoint's port and the two addresses derived from it (host:port, and its http URL). */
function monitoringAt(
  host: string,
  port: number,
): Pick<BrokerEndpoints, "monitorPort" | "monitorHostPort" | "monitorUrl"> {
  return { monitorPort: port, monitorHostPort: `${host}:${port}`, monitorUrl: `http://${host}:${port}` };
}

/**
 * Each broker's chart is installed as a release named after the broker in a namespace of the same
 * name, so its pods carry that name as `app.kubernetes.io/name`.
 */
function releasedAs(kind: BrokerKind): Pick<BrokerEndpoints, "kind" | "namespace" | "podLabels" | "naming"> {
  return { kind, namespace: kind, podLabels: { "app.kubernetes.io/name": kind }, naming: brokerNaming(kind) };
}

/** Memphis chart 1.4.3, release "memphis" in namespace "memphis" (headless Service "memphis"). */
const memphisHost = clusterHost("memphis", "memphis");
const MEMPHIS: BrokerEndpoints = {
  ...releasedAs("memphis"),
  host: memphisHost,
  managementPort: 9000,
  clientPort: BROKER_DEFAULTS.memphis.port,
  routePort: 6222,
  exporterPort: 7777,
  exporterPortName: "metrics",
  url: `${memphisHost}:${BROKER_DEFAULTS.memphis.port}`,
  ...monitoringAt(memphisHost, 8222),
};

/**
 * NATS chart 2.14.2, release "nats" in namespace "nats": clients use the Service "nats"; monitoring
 * (8222) is on the headless Service "nats-headless" of the StatefulSet (nats@2.14.2.json services and
 * notes: the chart always sets no_advertise, so only these per-pod DNS names reach each node).
 * KEDA's nats-jetstream scaler and the apps' queue depth read the group's leader at
 * `<server_name>.<endpoint host>` (kedacore/keda@v2.16.0:pkg/scalers/nats_jetstream_scaler.go
 * `getNATSJetStreamMonitoringNodeURLByNode`; src/broker/common/jsz.ts).
 */
const natsHost = clusterHost("nats", "nats");
const natsHeadlessHost = clusterHost("nats-headless", "nats");
const NATS: BrokerEndpoints = {
  ...releasedAs("nats"),
  host: natsHost,
  clientPort: 4222,
  routePort: 6222,
  exporterPort: 7777,
  exporterPortName: "prom-metrics",
  url: `nats://${natsHost}:4222`,
  ...monitoringAt(natsHeadlessHost, 8222),
};

/**
 * host:port of NATS node `index`'s route port, as the chart 2.14.2 lists its routes
 * (files/config/cluster.yaml: `<statefulSet name>-<i>.<headless Service>:<cluster port>`, here with
 * the namespace's FQDN).
 */
export function natsRouteHostPort(index: number): string {
  return `nats-${index}.${natsHeadlessHost}:${NATS.routePort}`;
}

export function brokerEndpoints(kind: BrokerKind): BrokerEndpoints {
  switch (kind) {
    case "memphis":
      return MEMPHIS;
    case "nats":
      return NATS;
  }
}
