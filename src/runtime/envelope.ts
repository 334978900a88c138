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
  /** Produce time, epoch milliseconds (wall clock: it is compared across processes). */
  readonly producedAt: number;
  /** Producer instance that created it. */
  readonly producer: string;
  readonly payload: P;
}

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

/** Parse and check the shape; throws `MalformedEnvelopeError` naming what is wrong. */
export function decodeEnvelope(data: Uint8Array): Envelope {
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
  if (typeof e.producedAt !== "number" || !Number.isFinite(e.producedAt))
    problems.push("producedAt must be epoch ms");
  if (typeof e.producer !== "string") problems.push("producer must be a string");
  if (!("payload" in e)) problems.push("payload is missing");
  if (problems.length > 0) throw new MalformedEnvelopeError(problems.join("; "));
  return e as unknown as Envelope;
}
