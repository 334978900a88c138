/**
 * NATS JetStream names the app-level names as they are: stream `events` is stream `events`, consumer
 * group `event-consumers` is the durable `event-consumers`, in the server's global account `$G`
 * (a server without accounts). Stream and durable names are restricted to `[A-Za-z0-9_-]`: no dots,
 * which are subject separators (the stream's subjects are `<stream>.>`).
 */
import type { BrokerNaming } from "../naming.js";

export const NATS_NAMING: BrokerNaming = {
  account: "$G",
  namePattern: /^[A-Za-z0-9_-]+$/,
  namePatternText: "[A-Za-z0-9_-]+",
  streamName: (stream) => stream,
  durableName: (group) => group,
};
