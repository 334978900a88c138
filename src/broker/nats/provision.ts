/**
 * Idempotent create-or-update of the event stream, the dead-letter stream and the durable pull
 * consumer group. Safe to run twice and from several processes at once; needs no running consumer.
 */
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import type { BrokerOptions } from "../options.js";
import { BROKER_DEFAULTS } from "../defaults.js";

type ProvisionOptions = Pick<
  BrokerOptions,
  | "stream"
  | "deadLetterStream"
  | "consumerGroup"
  | "ackWaitMs"
  | "maxDeliveries"
  | "retentionSeconds"
  | "dedupWindowMs"
  | "streamReplicas"
>;

/** Stream holding the events (`${stream}.>`), or the dead letters, with limits retention on file storage. */
export function streamConfig(
  name: string,
  options: ProvisionOptions,
): Partial<StreamConfig> & { name: string } {
  return {
    name,
    subjects: [`${name}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(options.retentionSeconds * 1000),
    duplicate_window: nanos(options.dedupWindowMs),
    num_replicas: options.streamReplicas,
  };
}

/**
 * The durable pull consumer group. `max_deliver` is one more than the app's bound: the app
 * dead-letters on its last attempt (`deliveryCount === maxDeliveries`); should a process die during
 * that attempt, the broker delivers once more so the app can still dead-letter it, and only then
 * stops redelivering (a backstop against endless redelivery, never the normal path).
 */
export function consumerConfig(
  options: ProvisionOptions,
): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: options.consumerGroup,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(options.ackWaitMs),
    max_deliver: options.maxDeliveries + 1,
    max_ack_pending: BROKER_DEFAULTS.nats.maxAckPending,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    num_replicas: options.streamReplicas,
  };
}

/** What provisioning needs to know about the server. */
export interface ProvisioningServer {
  /** Whether the server is part of a cluster (replicas above 1 need one). */
  readonly clustered: boolean;
  /** The server's URL, for messages. */
  readonly url: string;
}

/** JetStream API error code: "stream name already in use with a different configuration". */
const STREAM_NAME_IN_USE = 10058;

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

/** Add the stream; when it exists with another configuration, update it in place. */
export async function ensureStream(
  jsm: JetStreamManager,
  config: Partial<StreamConfig> & { name: string },
): Promise<void> {
  try {
    await jsm.streams.add(config);
  } catch (error) {
    if (!isApiError(error, STREAM_NAME_IN_USE)) throw wrap(`stream "${config.name}"`, error);
    try {
      await jsm.streams.update(config.name, config);
    } catch (updateError) {
      throw wrap(`updating stream "${config.name}"`, updateError);
    }
  }
}

/** Add the durable consumer; when the server refuses because it exists differently, update it. */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  config: Partial<ConsumerConfig> & { durable_name: string },
): Promise<void> {
  try {
    await jsm.consumers.add(stream, config);
  } catch (error) {
    if (!(error instanceof JetStreamApiError)) throw wrap(`consumer "${config.durable_name}"`, error);
    try {
      await jsm.consumers.update(stream, config.durable_name, config);
    } catch (updateError) {
      throw wrap(`updating consumer "${config.durable_name}" on stream "${stream}"`, updateError);
    }
  }
}

/**
 * Stream, dead-letter stream and consumer group, in that order. The values were checked once, at
 * start-up, by the apps' contract (names, ranges, the dedup window within the retention).
 */
export async function provisionAll(
  jsm: JetStreamManager,
  options: ProvisionOptions,
  server: ProvisioningServer,
): Promise<void> {
  // nats-server refuses replicas above 1 outside a cluster (JSStreamReplicasNotSupportedErr, 10074)
  // for new streams and consumers, but 2.9.10 accepts them on a stream update: refuse before
  // changing anything, so an existing stream is never left half-updated.
  if (options.streamReplicas > 1 && !server.clustered)
    throw new Error(
      `NATS provisioning refused: ${options.streamReplicas} replicas of stream "${options.stream}" need a clustered JetStream, and the server at ${server.url} is not part of a cluster; nothing was changed`,
    );
  await ensureStream(jsm, streamConfig(options.stream, options));
  await ensureStream(jsm, streamConfig(options.deadLetterStream, options));
  await ensureConsumer(jsm, options.stream, consumerConfig(options));
}

function wrap(what: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`NATS provisioning of ${what} failed: ${message}`, { cause: error });
}
