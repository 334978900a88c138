/**
 * How each broker names the JetStream objects behind the app-level names: the one function per
 * broker that the adapters, the apps and the manifests (KEDA's scaler, the exporter queries) call.
 */
import type { BrokerNaming } from "./common/broker-naming.js";
import { MEMPHIS_NAMING } from "./memphis/names.js";
import { NATS_NAMING } from "./nats/names.js";
import type { BrokerKind } from "./port.js";

export type { BrokerNaming } from "./common/broker-naming.js";

const NAMING: Readonly<Record<BrokerKind, BrokerNaming>> = { nats: NATS_NAMING, memphis: MEMPHIS_NAMING };

export function brokerNaming(kind: BrokerKind): BrokerNaming {
  return NAMING[kind];
}
