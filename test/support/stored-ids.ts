/**
 * The envelope ids a stream holds, read back from the broker with an ordered consumer up to the
 * stream's last sequence: what "stored by the broker" means when the tests count lost messages.
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { decodeEnvelope } from "../../src/runtime/envelope.js";

/** Every id in `stream` (a message that is not an envelope would throw: none is expected here). */
export async function storedIds(
  nc: NatsConnection,
  stream: string,
  timeoutMs = 30_000,
): Promise<Set<string>> {
  const jsm = await jetstreamManager(nc);
  const last = (await jsm.streams.info(stream)).state.last_seq;
  const ids = new Set<string>();
  if (last === 0) return ids;
  const consumer = await jetstream(nc).consumers.get(stream);
  const messages = await consumer.consume({ max_messages: 500 });
  const timer = setTimeout(() => void messages.close(), timeoutMs);
  let seen = 0;
  try {
    for await (const m of messages) {
      ids.add(decodeEnvelope(m.data).id);
      seen = m.seq;
      if (m.seq >= last) break;
    }
  } finally {
    clearTimeout(timer);
    await messages.close();
  }
  if (seen < last)
    throw new Error(`read "${stream}" up to sequence ${seen} of ${last} within ${timeoutMs} ms`);
  return ids;
}
