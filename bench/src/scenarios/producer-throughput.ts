/**
 * Producer max throughput: one producer process publishing `messages` envelopes as fast as acks
 * allow (a very high RATE_PER_SECOND, MESSAGE_LIMIT, the same MAX_IN_FLIGHT), timed from outside by
 * polling the stream's last sequence.
 */
import type { BenchBroker, BenchOptions } from "../options.js";
import type { Implementation } from "../processes.js";
import { rateFromSamples, sampleUntil, storedCount } from "../probes.js";
import { startParticipant } from "./participants.js";
import { withBroker } from "./with-broker.js";

/** Rate asked of the producer in a max-throughput run: far above what one process can do. */
export const UNBOUNDED_RATE = 1_000_000;

/** One producer-throughput run. */
export interface ProducerThroughputRun {
  readonly messagesPerSecond: number;
  readonly peakRssBytes: number | undefined;
}

export function runProducerThroughput(
  kind: BenchBroker,
  impl: Implementation,
  options: BenchOptions,
): Promise<ProducerThroughputRun> {
  return withBroker(kind, async (broker, processes) => {
    const producer = await startParticipant(broker, impl, "producer", {
      RATE_PER_SECOND: String(UNBOUNDED_RATE),
      MESSAGE_LIMIT: String(options.messages),
      MAX_IN_FLIGHT: String(options.maxInFlight),
      PAYLOAD_BYTES: String(options.payloadBytes),
    });
    processes.add(producer.process);
    const samples = await sampleUntil(
      `${impl} producer on ${kind}`,
      () => storedCount(broker.jsm, broker.rawTarget.stream),
      options.messages,
      { intervalMs: options.pollIntervalMs, deadlineMs: options.deadlineMs },
    );
    const peakRssBytes = await producer.process.peakRssBytes();
    return { messagesPerSecond: rateFromSamples(samples, options.messages), peakRssBytes };
  });
}
