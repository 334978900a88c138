import { randomUUID } from "node:crypto";

/** Envelope format version; bump on an incompatible change. */
export const ENVELOPE_VERSION = 1;

/**
 * What the producer publishes and the consumer processes. `id` is the broker dedup key and the
 * consumer's idempotency key; it is created once per message and kept across publish retries.
 */
export interface Envelope<P = unknown> {
  readonly v: typeof ENVELOPE_VERSION;
  /** Unique message id (UUID v4). */
  readonly id: string;
  /** Producer-local sequence number, starting at 1. */
  readonly seq: number;
  /**
   * Produce time, epoch milliseconds (wall clock: it is compared across processes). Outside
   * `PRODUCED_AT_WINDOW` the envelope is malformed: the end-to-end latency is computed from it.
   */
  readonly producedAt: number;
  /** Producer instance that created it. */
  readonly producer: string;
  /**
   * Opaque to the pipeline, with one marker: a payload that is a JSON object whose `poison` member
   * is the JSON `true` (nothing else: `"true"`, `1` or `{}` are ordinary payloads) fails every
   * delivery and is dead-lettered on the last one (a test of the dead-letter path).
   */
  readonly payload: P;
}

/** Whether `payload` carries the poison marker (see `Envelope.payload`). */
export function isPoisonPayload(payload: unknown): boolean {
  return (
    typeof payload === "object" &&
    payload !== null &&
    !Array.isArray(payload) &&
    Object.hasOwn(payload, "poison") &&
    (payload as Record<string, unknown>).poison === true
  );
}

/**
 * The `producedAt` an envelope may carry: not before 2020 (no producer of this pipeline ran
 * earlier) and at most a day ahead of the consumer's clock (clock skew beyond that is a broken
 * clock, not a message from the future). A value outside would put an absurd sample into the
 * end-to-end latency histogram (-1e300 made its sum 1e297).
 */
export const PRODUCED_AT_WINDOW = {
  earliestMs: Date.UTC(2020, 0, 1),
  maxAheadMs: 24 * 60 * 60 * 1000,
} as const;

/** Thrown when bytes are not a valid envelope; such a message is dead-lettered, never retried. */
export class MalformedEnvelopeError extends Error {
  override readonly name = "MalformedEnvelopeError";
}

export function createEnvelope<P>(
  fields: { seq: number; producer: string; payload: P },
  now: () => number = Date.now,
): Envelope<P> {
  return {
    v: ENVELOPE_VERSION,
    id: randomUUID(),
    seq: fields.seq,
    producedAt: now(),
    producer: fields.producer,
    payload: fields.payload,
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  return encoder.encode(JSON.stringify(envelope));
}

/**
 * Parse and check the shape; throws `MalformedEnvelopeError` naming what is wrong (never quoting
 * the input beyond the JSON parser's own message). `now` bounds `producedAt`.
 */
export function decodeEnvelope(data: Uint8Array, now: number = Date.now()): Envelope {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(data));
  } catch (error) {
    throw new MalformedEnvelopeError(`not UTF-8 JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new MalformedEnvelopeError("not a JSON object");
  }
  const e = value as Record<string, unknown>;
  const problems: string[] = [];
  if (e.v !== ENVELOPE_VERSION) problems.push(`v must be ${ENVELOPE_VERSION}`);
  if (typeof e.id !== "string" || e.id.length === 0 || e.id.length > 128)
    problems.push("id must be a non-empty string");
  if (typeof e.seq !== "number" || !Number.isSafeInteger(e.seq) || e.seq < 1)
    problems.push("seq must be a positive integer");
  if (
    typeof e.producedAt !== "number" ||
    !(e.producedAt >= PRODUCED_AT_WINDOW.earliestMs) ||
    !(e.producedAt <= now + PRODUCED_AT_WINDOW.maxAheadMs)
  )
    problems.push("producedAt must be epoch ms from 2020 to a day ahead");
  if (typeof e.producer !== "string") problems.push("producer must be a string");
  if (!("payload" in e)) problems.push("payload is missing");
  if (problems.length > 0) throw new MalformedEnvelopeError(problems.join("; "));
  return e as unknown as Envelope;
}

/**
 * `id` for a line-oriented record (the file sink's logs): unchanged when it is only
 * `[A-Za-z0-9._~-]` (every UUID), else each other character percent-encoded as UTF-8 bytes (a lone
 * surrogate as U+FFFD), so no id can carry a space, a newline or a `%` of its own into a line.
 */
export function escapeId(id: string): string {
  return id.replace(/[^A-Za-z0-9._~-]/gu, (c) =>
    Array.from(encoder.encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  );
}
