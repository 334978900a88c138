/**
 * The JetStream ack protocol: payloads published to a delivery's reply subject, and what that
 * subject says about the delivery (nats.js jetstream/src/jsmsg.ts `parseInfo` and `JsMsgImpl`;
 * nats-server server/consumer.go `processAckMsg`: `+ACK`, `-NAK` with an optional JSON `delay` in
 * ns, `+WPI` resets the ack deadline, `+TERM` stops redelivery).
 */

const encoder = new TextEncoder();

export const ACK = encoder.encode("+ACK");
export const NAK = encoder.encode("-NAK");
export const WORKING = encoder.encode("+WPI");
export const TERM = encoder.encode("+TERM");

/** Nak: redelivered after `delayMs` (at once for 0). */
export function nak(delayMs = 0): Uint8Array {
  const delay = Math.max(0, Math.round(delayMs));
  return delay === 0 ? NAK : encoder.encode(`-NAK ${JSON.stringify({ delay: delay * 1_000_000 })}`);
}

/** What the ack subject of a delivery carries. */
export interface DeliveryInfo {
  /** 1 on first delivery. */
  readonly deliveryCount: number;
  /** Stream sequence. */
  readonly sequence: number;
}

/**
 * Delivery count and stream sequence from a JetStream ack subject: `$JS.ACK.<stream>.<consumer>.
 * <deliveries>.<stream seq>.<consumer seq>.<ns>.<pending>`, or with `<domain>.<account hash>.` after
 * `$JS.ACK.` and a random token at the end.
 */
export function parseAckSubject(reply: string | undefined): DeliveryInfo {
  const tokens = reply?.split(".") ?? [];
  const at = tokens.length === 9 ? 4 : 6;
  const deliveryCount = Number(tokens[at]);
  const sequence = Number(tokens[at + 1]);
  if (
    tokens[0] !== "$JS" ||
    tokens[1] !== "ACK" ||
    tokens.length < 9 ||
    !(deliveryCount >= 1) ||
    !(sequence >= 1)
  )
    throw new Error(`not a JetStream delivery (reply subject "${reply ?? ""}")`);
  return { deliveryCount, sequence };
}
