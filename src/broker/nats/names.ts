/**
 * NATS JetStream names the app-level names as they are: stream `events` is stream `events`, consumer
 * group `event-consumers` is the durable `event-consumers`, in the server's global account `$G`
 * (a server without accounts). Stream and durable names are restricted to `[A-Za-z0-9_-]`: no dots,
 * which are subject separators (the stream's subjects are `<stream>.>`).
 */
import { JETSTREAM_DEFAULTS } from "../common/jetstream/defaults.js";
import type { BrokerNaming } from "../naming.js";

export const NATS_NAMING: BrokerNaming = {
  account: "$G",
  namePattern: /^[A-Za-z0-9_-]+$/,
  namePatternText: "[A-Za-z0-9_-]+",
  streamName: (stream) => stream,
  durableName: (group) => group,
};

/**
 * Reply-subject prefix of a client logged in as `username` (`_INBOX.<username>`), the client's
 * own default without one. The broker's authorization lets each user subscribe only below its own
 * prefix (cdk8s/argocd/nats-authorization.ts), so no user can read another's replies or deliveries.
 */
export function natsInboxPrefix(username: string | undefined): string {
  return username ? `${JETSTREAM_DEFAULTS.inboxPrefix}.${username}` : JETSTREAM_DEFAULTS.inboxPrefix;
}
