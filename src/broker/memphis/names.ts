/**
 * How a Memphis broker names the JetStream objects behind a station and a consumer group
 * (memphis-dev 1.3.2 `Consumer` / `Producer`, one partition): station `events` is stream
 * `events$1` (`$1`: partition 1, not the account id), dots become `#`, everything lower-case; a
 * consumer group is a durable of that name. All of it lives in the NATS account `$memphis`.
 */
import type { BrokerNaming } from "../naming.js";

/** Station or consumer-group name as the broker stores it: lower-case, dots replaced by `#`. */
export function internalName(name: string): string {
  return name.toLowerCase().replace(/\./g, "#");
}

/** JetStream stream of partition `partition` (1-based) of station `station`. */
export function stationStreamName(station: string, partition = 1): string {
  return `${internalName(station)}$${partition}`;
}

/** Durable consumer name of consumer group `group`. */
export function durableName(group: string): string {
  return internalName(group);
}

/**
 * A producer or consumer name the broker accepts (lower-case letters, digits, `_`, `-`, `.`;
 * at most 128 characters), made from a free-form instance id such as a pod name.
 */
export function clientNameFor(instanceId: string): string {
  const cleaned = instanceId
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "")
    .slice(0, 128);
  return cleaned.length > 0 ? cleaned : "client";
}

/** Memphis's naming, as `brokerNaming("memphis")` returns it. */
export const MEMPHIS_NAMING: BrokerNaming = {
  account: "$memphis",
  namePattern: /^[A-Za-z0-9_.-]+$/,
  namePatternText: "[A-Za-z0-9_.-]+",
  streamName: (station) => stationStreamName(station),
  durableName,
};
