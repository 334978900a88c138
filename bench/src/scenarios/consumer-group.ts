/**
 * Consumer group scaling: `size` consumer processes of one implementation (app or raw) share one
 * durable group over a stream pre-filled with `messages × size` envelopes (WORK_TIME_MS=0,
 * CONCURRENCY=1, BATCH_SIZE=10, as in the single-consumer run). The group's rate is timed from
 * outside over the middle of the run (from 25 % to 75 % acknowledged), so that processes starting a
 * little apart and the last stragglers do not count: the figure KEDA's scaling rests on is how the
 * group's steady rate grows with the number of replicas.
 */
import type { BenchBroker, BenchOptions } from "../options.js";
import type { Implementation } from "../processes.js";
import { ackedCount, sampleUntil, type Sample } from "../probes.js";
import { startParticipant } from "./participants.js";
import { withBroker } from "./with-broker.js";

/** Share of the messages acknowledged where the timed window starts and ends. */
const WINDOW = { from: 0.25, to: 0.75 } as const;

/** Messages per second between the first samples at or above `from` and `to` of `total`. */
export function windowRate(samples: readonly Sample[], total: number, from: number, to: number): number {
  const start = samples.find((s) => s.count >= total * from);
  const end = samples.find((s) => s.count >= total * to);
  if (!start || !end || end.at <= start.at)
    throw new Error(`the run crossed ${from * 100}–${to * 100} % within one poll: use more messages`);
  return ((end.count - start.count) * 1000) / (end.at - start.at);
}

export function runConsumerGroup(
  kind: BenchBroker,
  impl: Implementation,
  size: number,
  options: BenchOptions,
): Promise<number> {
  return withBroker(kind, async (broker, processes) => {
    const total = options.messages * size;
    await broker.prefill(total, options.payloadBytes);
    const { stream, durable } = broker.rawTarget;
    for (let i = 0; i < size; i++) {
      const member = await startParticipant(
        broker,
        impl,
        "consumer",
        { CONCURRENCY: "1", BATCH_SIZE: "10", WORK_TIME_MS: "0" },
        `${i + 1}`,
      );
      processes.add(member.process);
    }
    const samples = await sampleUntil(
      `group of ${size} ${impl} consumers on ${kind}`,
      () => ackedCount(broker.jsm, stream, durable, total),
      total,
      { intervalMs: options.pollIntervalMs, deadlineMs: options.deadlineMs },
    );
    return windowRate(samples, total, WINDOW.from, WINDOW.to);
  });
}
