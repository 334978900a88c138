/**
 * External observations of a run, identical for the app and the raw baseline: consumer-group and
 * stream state polled from the broker's JetStream API, per-ack timestamps from the server's ack
 * advisories, and the stored messages read back with an ordered consumer.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { decodeEnvelope } from "../../src/runtime/envelope.js";

/** A timed sample of a counter. */
export interface Sample {
  /** performance.now() when the answer arrived. */
  readonly at: number;
  readonly count: number;
}

/** Poll `read` every `intervalMs` until it returns >= `target`; all samples, in order. */
export async function sampleUntil(
  what: string,
  read: () => Promise<number>,
  target: number,
  options: { readonly intervalMs: number; readonly deadlineMs: number },
): Promise<Sample[]> {
  const samples: Sample[] = [];
  const deadline = performance.now() + options.deadlineMs;
  for (;;) {
    const count = await read();
    samples.push({ at: performance.now(), count });
    if (count >= target) return samples;
    if (performance.now() > deadline)
      throw new Error(`${what}: reached ${count} of ${target} within ${options.deadlineMs} ms`);
    await sleep(options.intervalMs);
  }
}

/**
 * Messages per second between the first sample that shows progress and the first that shows the
 * target. When both fall in one poll, the last sample before progress is the start instead.
 */
export function rateFromSamples(samples: readonly Sample[], target: number): number {
  const firstProgress = samples.findIndex((s) => s.count > 0);
  const end = samples.find((s) => s.count >= target);
  if (firstProgress < 0 || end === undefined) throw new Error("samples never reached the target");
  let start = samples[firstProgress] as Sample;
  if (end.at - start.at <= 0 && firstProgress > 0) start = samples[firstProgress - 1] as Sample;
  const elapsedMs = end.at - start.at;
  if (elapsedMs <= 0) throw new Error("the run finished within one poll: use more messages");
  return ((end.count - start.count) * 1000) / elapsedMs;
}

/** Messages of a pre-filled stream of `total` that the group has acknowledged. */
export async function ackedCount(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
  total: number,
): Promise<number> {
  const info = await jsm.consumers.info(stream, durable);
  return total - info.num_pending - info.num_ack_pending;
}

/** Messages stored in the stream so far (last sequence). */
export async function storedCount(jsm: JetStreamManager, stream: string): Promise<number> {
  const info = await jsm.streams.info(stream);
  return info.state.last_seq;
}

/** A stored message: its sequence, the server's store time and the envelope's produce time (ms). */
export interface StoredMessage {
  readonly seq: number;
  /** Server store time, epoch ms with sub-ms precision. */
  readonly storedAt: number;
  readonly producedAt: number;
}

/** Read every message of `stream` up to its current last sequence with an ordered consumer (bounded in time). */
export async function readStored(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  timeoutMs = 60_000,
): Promise<StoredMessage[]> {
  const last = await storedCount(jsm, stream);
  const result: StoredMessage[] = [];
  if (last === 0) return result;
  const consumer = await js.consumers.get(stream);
  const messages = await consumer.consume({ max_messages: 1000 });
  const timer = setTimeout(() => void messages.close(), timeoutMs);
  try {
    for await (const m of messages) {
      result.push({
        seq: m.seq,
        storedAt: Number(m.info.timestampNanos) / 1e6,
        producedAt: decodeEnvelope(m.data).producedAt,
      });
      if (m.seq >= last) break;
    }
  } finally {
    clearTimeout(timer);
    await messages.close();
  }
  if ((result[result.length - 1]?.seq ?? 0) < last)
    throw new Error(
      `read ${result.length} stored messages of "${stream}" (up to ${last}) within ${timeoutMs} ms`,
    );
  return result;
}

/** Epoch ms (sub-ms precision) of an RFC 3339 timestamp with up to nanosecond fraction. */
export function parseNanoTimestamp(text: string): number {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!match) throw new Error(`not an RFC 3339 timestamp: "${text}"`);
  const whole = Date.parse(`${match[1]}${match[3]}`);
  const fraction = match[2] ?? "0";
  return whole + Number(`0.${fraction}`) * 1000;
}

/**
 * Server-side ack times of the consumer group: turns on 100% ack sampling and records every
 * `$JS.EVENT.METRIC.CONSUMER.ACK` advisory (stream sequence → ack time).
 */
export class AckRecorder {
  readonly ackedAt = new Map<number, number>();
  private constructor(private readonly stop_: () => void) {}

  static async start(
    nc: NatsConnection,
    jsm: JetStreamManager,
    stream: string,
    durable: string,
  ): Promise<AckRecorder> {
    const recorder = new AckRecorder(() => subscription.unsubscribe());
    const subscription = nc.subscribe(`$JS.EVENT.METRIC.CONSUMER.ACK.${stream}.${durable}`, {
      callback: (error, msg) => {
        if (error) return;
        const advisory = msg.json<{ stream_seq: number; timestamp: string }>();
        if (!recorder.ackedAt.has(advisory.stream_seq))
          recorder.ackedAt.set(advisory.stream_seq, parseNanoTimestamp(advisory.timestamp));
      },
    });
    await nc.flush();
    await AckRecorder.enableSampling(jsm, stream, durable);
    return recorder;
  }

  /** (Re-)enable 100% ack sampling (an app that re-provisions the group may have reset it). */
  static async enableSampling(jsm: JetStreamManager, stream: string, durable: string): Promise<void> {
    await jsm.consumers.update(stream, durable, { sample_freq: "100%" });
  }

  stop(): void {
    this.stop_();
  }
}
