/**
 * Publishing to the stream: the message's headers as NATS headers, the dedup id as `Nats-Msg-Id`
 * (`msgID`), and the broker's ack awaited. A message over the server's `max_payload` fails before it
 * is sent, naming both sizes.
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import { headers as createHeaders, type MsgHdrs, type NatsConnection } from "@nats-io/nats-core";
import { BROKER_DEFAULTS } from "../defaults.js";
import type { MessageHeaders, OutgoingMessage, PublishAck } from "../port.js";

/** Build NATS headers from a single-valued record. */
export function toMsgHdrs(values: MessageHeaders | undefined): MsgHdrs | undefined {
  if (!values || Object.keys(values).length === 0) return undefined;
  const h = createHeaders();
  for (const [key, value] of Object.entries(values)) h.set(key, value);
  return h;
}

/** Publish `message` to `subject` and wait for the stream's ack. */
export async function publishToStream(
  nc: NatsConnection,
  js: JetStreamClient,
  subject: string,
  message: OutgoingMessage,
): Promise<PublishAck> {
  const maxPayload = nc.info?.max_payload;
  if (maxPayload !== undefined && message.data.byteLength > maxPayload)
    throw new Error(
      `message ${message.id} is ${message.data.byteLength} bytes, over the server's max_payload of ${maxPayload} bytes`,
    );
  try {
    const ack = await js.publish(subject, message.data, {
      msgID: message.id,
      headers: toMsgHdrs(message.headers),
      timeout: BROKER_DEFAULTS.nats.requestTimeoutMs,
    });
    return { sequence: ack.seq, duplicate: ack.duplicate };
  } catch (error) {
    const reason = (error as Error).message;
    const detail = reason.includes("max_payload")
      ? ` (${message.data.byteLength} bytes plus headers, max_payload ${maxPayload ?? "unknown"} bytes)`
      : "";
    throw new Error(`publish of message ${message.id} to "${subject}" failed: ${reason}${detail}`, {
      cause: error,
    });
  }
}
