/**
 * What JetStream itself says, read through its API (not the monitoring endpoint the apps and KEDA
 * read): the ids a stream really stored, which loss is measured against (stored ids minus applied
 * ids, independent of what the producer says it published), and a consumer group's depth, which the
 * apps' `broker_queue_depth_messages` is compared with.
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { MSG_ID_HEADER as MEMPHIS_MSG_ID_HEADER } from "../../src/broker/memphis/memphis-message.js";
import { MSG_ID_HEADER as NATS_MSG_ID_HEADER } from "../../src/broker/nats/delivered-message.js";

/** One message as the stream stored it. */
export interface StoredEntry {
  /** The adapter's dedup header (`Nats-Msg-Id` or Memphis's `msg-id`). */
  readonly id: string;
  /** When the server stored it (ms since the epoch, sub-millisecond precision). */
  readonly storedAtMs: number;
}

/** Every message in `stream`, in stream order, one entry per stored message. */
export async function readStream(connection: NatsConnection, stream: string): Promise<StoredEntry[]> {
  const count = (await (await jetstreamManager(connection)).streams.info(stream)).state.messages;
  const entries: StoredEntry[] = [];
  if (count === 0) return entries;
  // an ordered consumer: ephemeral, created and cleaned up by the client, invisible to the group
  const consumer = await jetstream(connection).consumers.get(stream);
  while (entries.length < count) {
    const batch = await consumer.fetch({ max_messages: count - entries.length, expires: 5_000 });
    let received = 0;
    for await (const m of batch) {
      received++;
      const id = m.headers?.get(NATS_MSG_ID_HEADER) || m.headers?.get(MEMPHIS_MSG_ID_HEADER);
      if (!id) throw new Error(`stream ${stream} seq ${m.seq} has no message id header`);
      entries.push({ id, storedAtMs: Number(m.timestampNanos / 1000n) / 1000 });
    }
    if (received === 0) throw new Error(`stream ${stream}: read ${entries.length} of ${count} messages`);
  }
  return entries;
}

/** The id of every message in `stream`, in stream order (an id stored twice appears twice). */
export async function readStreamIds(connection: NatsConnection, stream: string): Promise<string[]> {
  return (await readStream(connection, stream)).map((entry) => entry.id);
}

/** A consumer group's depth from JetStream's consumer info. */
export interface GroupDepth {
  readonly pending: number;
  readonly ackPending: number;
}

export async function readGroupDepth(
  connection: NatsConnection,
  stream: string,
  group: string,
): Promise<GroupDepth> {
  const info = await (await jetstreamManager(connection)).consumers.info(stream, group);
  return { pending: info.num_pending, ackPending: info.num_ack_pending };
}

/** Run `read` over a connection of its own to `url`. */
export async function withConnection<T>(
  url: string,
  read: (connection: NatsConnection) => Promise<T>,
): Promise<T> {
  const connection = await connect({ servers: url });
  try {
    return await read(connection);
  } finally {
    await connection.close();
  }
}
