/**
 * NATS JetStream names the app-level names as they are: stream `events` is stream `events`, consumer
 * group `event-consumers` is the durable `event-consumers`, in the server's global account `$G`
 * (a server without accounts). Stream and durable names are restricted to `[A-Za-z0-9_-]`: no dots,
 * which are subject separators (the stream's subjects are `<stream>.>`).
 */
import type { BrokerNaming } from "../common/broker-naming.js";

/** Subject the producer publishes to inside stream `stream`. */
export function eventSubject(stream: string): string {
  return `${stream}.events`;
}

/** Subject a dead-lettered copy of a message of `stream` goes to. */
export function deadLetterSubject(deadLetterStream: string, stream: string): string {
  return `${deadLetterStream}.${stream}`;
}

export const NATS_NAMING: BrokerNaming = {
  account: "$G",
  namePattern: /^[A-Za-z0-9_-]+$/,
  namePatternText: "[A-Za-z0-9_-]+",
  streamName: (stream) => stream,
  durableName: (group) => group,
};
