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
  // Once per message: find the token boundaries instead of splitting the subject into strings.
  // Scanning stops at the 10th token: by then the form (9 tokens or more) is known.
  let tokens = 0;
  if (reply !== undefined && reply.startsWith(ACK_SUBJECT_PREFIX)) {
    tokens = 1;
    for (let i = 0; i < reply.length && tokens < 10; i++)
      if (reply.charCodeAt(i) === DOT) dots[tokens++ - 1] = i;
  }
  if (reply === undefined || tokens < 9)
    throw new Error(`not a JetStream delivery (reply subject "${reply ?? ""}")`);
  const at = tokens === 9 ? 4 : 6;
  const deliveryCount = Number(reply.slice(dots[at - 1]! + 1, dots[at]));
  const sequence = Number(reply.slice(dots[at]! + 1, dots[at + 1]));
  if (!(deliveryCount >= 1) || !(sequence >= 1))
    throw new Error(`not a JetStream delivery (reply subject "${reply}")`);
  return { deliveryCount, sequence };
}

const ACK_SUBJECT_PREFIX = "$JS.ACK.";
const DOT = ".".charCodeAt(0);
/** Positions of the first 9 dots of the subject being parsed (reused: parsing is synchronous). */
const dots = new Int32Array(9);
