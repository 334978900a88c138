/**
 * End-to-end latency at `latencyRate` msg/s: a producer and a consumer process (app pair or raw
 * pair). Per message: the server's ack time of the consumer group (from 100% ack-sampling
 * advisories, nanosecond timestamps) minus the envelope's producedAt. The same method for both
 * pairs; nothing in the apps is needed for it. Messages produced during the warm-up are left out.
 */
import type { BenchBroker, BenchOptions } from "../options.js";
import type { Implementation } from "../processes.js";
import { AckRecorder, ackedCount, readStored, sampleUntil, storedCount } from "../probes.js";
import { quantile } from "../stats.js";
import { startParticipant } from "./participants.js";
import { withBroker } from "./with-broker.js";

/** One latency run. */
export interface LatencyRun {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Messages whose latency was measured (after warm-up). */
  readonly measured: number;
  readonly producerPeakRssBytes: number | undefined;
  readonly consumerPeakRssBytes: number | undefined;
}

/** Below this share of post-warm-up messages with an ack advisory the run is rejected. */
const MIN_COVERAGE = 0.9;

export function runLatency(
  kind: BenchBroker,
  impl: Implementation,
  options: BenchOptions,
): Promise<LatencyRun> {
  const total = Math.max(
    10,
    Math.round((options.latencyRate * (options.latencyWindowMs + options.warmupMs)) / 1000),
  );
  return withBroker(kind, async (broker, processes) => {
    const { stream, durable } = broker.rawTarget;
    const label = `${impl} pair at ${options.latencyRate} msg/s on ${kind}`;
    const consumer = await startParticipant(broker, impl, "consumer", {
      CONCURRENCY: "1",
      BATCH_SIZE: "10",
      WORK_TIME_MS: "0",
    });
    processes.add(consumer.process);
    await consumer.ready(options.deadlineMs);
    const producer = await startParticipant(broker, impl, "producer", {
      RATE_PER_SECOND: String(options.latencyRate),
      MESSAGE_LIMIT: String(total),
      MAX_IN_FLIGHT: String(options.maxInFlight),
      PAYLOAD_BYTES: String(options.payloadBytes),
    });
    processes.add(producer.process);
    await producer.ready(options.deadlineMs);
    // Sampling is switched on once both are ready: an app that re-provisions the group at start-up
    // would reset it. Messages before that fall in the warm-up.
    const recorder = await AckRecorder.start(broker.nc, broker.jsm, stream, durable);
    try {
      await sampleUntil(`${label}: published`, () => storedCount(broker.jsm, stream), total, {
        intervalMs: 50,
        deadlineMs: options.deadlineMs,
      });
      await sampleUntil(
        `${label}: acknowledged`,
        () => ackedCount(broker.jsm, stream, durable, total),
        total,
        {
          intervalMs: 50,
          deadlineMs: options.deadlineMs,
        },
      );
      await broker.nc.flush();
    } finally {
      recorder.stop();
    }
    const producerPeakRssBytes = await producer.process.peakRssBytes();
    const consumerPeakRssBytes = await consumer.process.peakRssBytes();
    const stored = await readStored(broker.js, broker.jsm, stream);
    const first = stored[0];
    if (first === undefined) throw new Error(`${label}: nothing stored`);
    const measuredFrom = first.producedAt + options.warmupMs;
    const window = stored.filter((m) => m.producedAt >= measuredFrom);
    const latencies = window
      .map((m) => {
        const ackedAt = recorder.ackedAt.get(m.seq);
        return ackedAt === undefined ? undefined : ackedAt - m.producedAt;
      })
      .filter((v): v is number => v !== undefined)
      .sort((x, y) => x - y);
    if (window.length === 0 || latencies.length < MIN_COVERAGE * window.length)
      throw new Error(
        `${label}: ack advisories for ${latencies.length} of ${window.length} measured messages (did the app reset sample_freq?)`,
      );
    return {
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      maxMs: latencies[latencies.length - 1] as number,
      measured: latencies.length,
      producerPeakRssBytes,
      consumerPeakRssBytes,
    };
  });
}
