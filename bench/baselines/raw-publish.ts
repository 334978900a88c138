/**
 * The raw baseline of a publish: one JetStream publish with ack of a real envelope, with the same
 * dedup id the app would send (`Nats-Msg-Id` on NATS, `msg-id` plus the Memphis SDK's headers on a
 * Memphis station). Used by the raw producer and by the harness to pre-fill streams.
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import { headers } from "@nats-io/nats-core";
import { createEnvelope, encodeEnvelope, type Envelope } from "../../src/runtime/envelope.js";
import type { RawTarget } from "./raw-target.js";

/** Payload of a bench envelope: a data string of `bytes` characters, as the app producer sends. */
export function benchPayload(bytes: number): { readonly data: string } {
  return { data: "x".repeat(bytes) };
}

/** Envelope number `seq` of producer `producer`. */
export function benchEnvelope(seq: number, producer: string, payloadBytes: number): Envelope {
  return createEnvelope({ seq, producer, payload: benchPayload(payloadBytes) });
}

/** Publish one envelope and wait for the broker's ack; resolves to the stream sequence. */
export async function publishEnvelope(
  js: JetStreamClient,
  target: RawTarget,
  envelope: Envelope,
  connectionId: string,
): Promise<number> {
  const data = encodeEnvelope(envelope);
  if (target.style === "memphis") {
    const h = headers();
    h.set("$memphis_connectionId", connectionId);
    h.set("$memphis_producedBy", connectionId);
    h.set("msg-id", envelope.id);
    const ack = await js.publish(target.subject, data, { headers: h });
    return ack.seq;
  }
  const ack = await js.publish(target.subject, data, { msgID: envelope.id });
  return ack.seq;
}

/**
 * Publish `count` envelopes with at most `maxInFlight` unacknowledged, as fast as the broker acks.
 * Rejects on the first failed publish.
 */
export async function publishPipelined(
  js: JetStreamClient,
  target: RawTarget,
  options: {
    readonly count: number;
    readonly maxInFlight: number;
    readonly payloadBytes: number;
    readonly producer: string;
  },
): Promise<void> {
  let next = 1;
  let failure: unknown;
  const lane = async (): Promise<void> => {
    while (next <= options.count && failure === undefined) {
      const seq = next++;
      try {
        await publishEnvelope(
          js,
          target,
          benchEnvelope(seq, options.producer, options.payloadBytes),
          options.producer,
        );
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.maxInFlight, options.count) }, lane));
  if (failure !== undefined) throw failure;
}
