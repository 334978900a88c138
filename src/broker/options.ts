import type { BrokerKind } from "./port.js";

/** Everything an adapter needs to connect and to find its stream and consumer group. */
export interface BrokerOptions {
  readonly kind: BrokerKind;
  /** Client endpoints, e.g. `nats://127.0.0.1:4222` (NATS) or `127.0.0.1:6666` (Memphis). Comma-separated list allowed. */
  readonly url: string;
  /** Monitoring endpoint base URL (port 8222), used for queue depth: `${monitorUrl}/jsz?acc=…`. */
  readonly monitorUrl: string;
  /** NATS account the stream lives in, as the monitoring endpoint names it (`$G` for a plain server, `$memphis` for Memphis). */
  readonly account: string;
  /** Stream (NATS) or station (Memphis) name. */
  readonly stream: string;
  /** Durable consumer group name. */
  readonly consumerGroup: string;
  /** Dead-letter stream (NATS) or dead-letter station (Memphis). */
  readonly deadLetterStream: string;
  /** How long a delivered message may stay unacknowledged before it is redelivered. */
  readonly ackWaitMs: number;
  /** Deliveries before a failing message is dead-lettered (Memphis caps it at 10). */
  readonly maxDeliveries: number;
  /** Stream retention for messages (Memphis defaults to 1 h: always set explicitly). */
  readonly retentionSeconds: number;
  /** Publish dedup window. */
  readonly dedupWindowMs: number;
  /** Replicas of the stream, the dead-letter stream and the consumer group (above 1 needs a clustered broker). */
  readonly streamReplicas: number;
  /** Credentials: user + password, or a token. Never logged. */
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly token?: string | undefined;
  /** Memphis account id (the NATS user becomes `username$accountId`). */
  readonly accountId: number;
  /** Name this client reports to the broker (instance id). */
  readonly clientName: string;
  /** Connection attempts before giving up at start-up (p-retry with backoff). */
  readonly connectRetries: number;
}
