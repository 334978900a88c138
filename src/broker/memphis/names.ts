/**
 * How a Memphis broker names the JetStream objects behind a station and a consumer group
 * (memphis-dev 1.3.2 `Consumer` / `Producer`, one partition): station `events` is stream
 * `events$1` (`$1`: partition 1, not the account id), dots become `#`, everything lower-case; a
 * consumer group is a durable of that name. All of it lives in the NATS account `$memphis`.
 */
import type { BrokerNaming } from "../common/broker-naming.js";

/** Station or consumer-group name as the broker stores it: lower-case, dots replaced by `#`. */
export function internalName(name: string): string {
  return name.toLowerCase().replace(/\./g, "#");
}

/** The one partition of every station this adapter provisions (`partitionsNumber: 1`). */
export const STATION_PARTITION = 1;

/** JetStream stream of partition `partition` (1-based) of station `station`. */
export function stationStreamName(station: string, partition = STATION_PARTITION): string {
  return `${internalName(station)}$${partition}`;
}

/** Consumer group as the SDK names it in a message's notices (`cg_name`): lower-case, dots kept. */
export function noticeGroupName(group: string): string {
  return group.toLowerCase();
}

/** Durable consumer name of consumer group `group`. */
export function durableName(group: string): string {
  return internalName(group);
}

/**
 * Where the broker re-sends messages from its dead-letter store to consumer group `group` of
 * `station`, and the queue group its members share (memphis-dev 1.3.2 consumer.js constructor:
 * `$memphis_dls_<station>.<group>`, queue `$memphis_<station>_<group>`, internal names).
 */
export function deadLetterResendSubject(station: string, group: string): { subject: string; queue: string } {
  return {
    subject: `$memphis_dls_${internalName(station)}.${internalName(group)}`,
    queue: `$memphis_${internalName(station)}_${internalName(group)}`,
  };
}

/** Control-plane subjects a consumer publishes to (memphis-dev 1.3.2 message.js). */
export const CONSUMER_NOTICE_SUBJECTS = {
  /** A message dead-lettered by its consumer (`deadLetter()`): the broker copies it to the dead-letter station. */
  deadLettered: "$memphis_nacked_dls",
} as const;

/** Prefix of the headers the SDK and the broker add for themselves (`getHeaders()` leaves them out). */
export const INTERNAL_HEADER_PREFIX = "$memphis";

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
