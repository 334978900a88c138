/**
 * How each broker names the JetStream objects behind the app-level names: the one function per
 * broker that the adapters, the apps and the manifests (KEDA's scaler, the exporter queries) call.
 */
import { MEMPHIS_NAMING } from "./memphis/names.js";
import { NATS_NAMING } from "./nats/names.js";
import type { BrokerKind } from "./port.js";

export interface BrokerNaming {
  /** Account the streams live in, as the monitoring endpoint (`/jsz?acc=`) names it. */
  readonly account: string;
  /** Stream and group names the broker accepts. */
  readonly namePattern: RegExp;
  /** `namePattern` in words, for error messages and the docs. */
  readonly namePatternText: string;
  /** The JetStream stream behind stream (NATS) or station (Memphis) `stream`. */
  streamName(stream: string): string;
  /** The JetStream durable consumer behind consumer group `group`. */
  durableName(group: string): string;
}

const NAMING: Readonly<Record<BrokerKind, BrokerNaming>> = { nats: NATS_NAMING, memphis: MEMPHIS_NAMING };

export function brokerNaming(kind: BrokerKind): BrokerNaming {
  return NAMING[kind];
}
