/**
 * What every adapter's naming provides: how its broker names the JetStream objects behind the
 * app-level names. Each adapter defines one (nats/names.ts, memphis/names.ts); `brokerNaming(kind)`
 * (../naming.ts) picks it for the apps and the manifests.
 */
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
