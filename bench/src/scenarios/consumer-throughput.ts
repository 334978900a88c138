/**
 * Consumer throughput: a stream pre-filled with `messages` real envelopes, one consumer process
 * (WORK_TIME_MS=0, CONCURRENCY=1), timed from outside by polling the group's pending + ack-pending.
 * The raw loop runs as the issue defines it (plain `ack()`) and, as a second baseline with the app's
 * ack semantics, with `RAW_ACK=confirmed` (`await ackAck()` per message).
 */
import type { BenchBroker, BenchOptions } from "../options.js";
import type { Implementation } from "../processes.js";
import { ackedCount, rateFromSamples, sampleUntil } from "../probes.js";
import { startParticipant } from "./participants.js";
import { withBroker } from "./with-broker.js";

/** One consumer-throughput run. */
export interface ConsumerThroughputRun {
  readonly messagesPerSecond: number;
  /** VmHWM of the consumer at the end of the run. */
  readonly peakRssBytes: number | undefined;
}

export function runConsumerThroughput(
  kind: BenchBroker,
  impl: Implementation,
  options: BenchOptions,
  /** Extra variables, e.g. `RAW_ACK=confirmed` for the like-for-like raw variant. */
  extraVars: Readonly<Record<string, string>> = {},
): Promise<ConsumerThroughputRun> {
  return withBroker(kind, async (broker, processes) => {
    await broker.prefill(options.messages, options.payloadBytes);
    const { stream, durable } = broker.rawTarget;
    const consumer = await startParticipant(broker, impl, "consumer", {
      CONCURRENCY: "1",
      BATCH_SIZE: "10",
      WORK_TIME_MS: "0",
      ...extraVars,
    });
    processes.add(consumer.process);
    const samples = await sampleUntil(
      `${impl} consumer on ${kind}`,
      () => ackedCount(broker.jsm, stream, durable, options.messages),
      options.messages,
      { intervalMs: options.pollIntervalMs, deadlineMs: options.deadlineMs },
    );
    const peakRssBytes = await consumer.process.peakRssBytes();
    return { messagesPerSecond: rateFromSamples(samples, options.messages), peakRssBytes };
  });
}
