/**
 * Producer rate accuracy: the app producer at RATE_PER_SECOND = `rate` for warm-up + window; the
 * achieved rate is read from the stored messages' server timestamps inside the window:
 * (messages − 1) / (last − first store time).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { BenchBroker, BenchOptions } from "../options.js";
import { readStored, sampleUntil, storedCount } from "../probes.js";
import { startParticipant } from "./participants.js";
import { withBroker } from "./with-broker.js";

/** One rate-accuracy run. */
export interface RateAccuracyRun {
  readonly targetPerSecond: number;
  readonly achievedPerSecond: number;
  /** Messages inside the measured window. */
  readonly messagesInWindow: number;
}

export function runRateAccuracy(
  kind: BenchBroker,
  rate: number,
  options: BenchOptions,
): Promise<RateAccuracyRun> {
  return withBroker(kind, async (broker, processes) => {
    const producer = await startParticipant(broker, "app", "producer", {
      RATE_PER_SECOND: String(rate),
      MAX_IN_FLIGHT: String(options.maxInFlight),
      PAYLOAD_BYTES: String(options.payloadBytes),
    });
    processes.add(producer.process);
    const stream = broker.rawTarget.stream;
    await sampleUntil(`app producer at ${rate} msg/s on ${kind}`, () => storedCount(broker.jsm, stream), 1, {
      intervalMs: options.pollIntervalMs,
      deadlineMs: options.deadlineMs,
    });
    // A fixed measuring window (not a synchronisation): the producer runs on its own clock meanwhile.
    // At low rates the window is widened so that it holds at least 10 messages.
    const windowMs = Math.max(options.rateWindowMs, (10 * 1000) / rate);
    await sleep(options.warmupMs + windowMs + Math.max(200, 2000 / rate));
    await producer.process.stop();
    const stored = await readStored(broker.js, broker.jsm, stream);
    const first = stored[0];
    if (first === undefined) throw new Error(`app producer at ${rate} msg/s on ${kind} stored nothing`);
    const from = first.storedAt + options.warmupMs;
    const inWindow = stored.filter((m) => m.storedAt >= from && m.storedAt <= from + windowMs);
    const a = inWindow[0];
    const b = inWindow[inWindow.length - 1];
    if (a === undefined || b === undefined || inWindow.length < 2 || b.storedAt <= a.storedAt)
      throw new Error(`app producer at ${rate} msg/s on ${kind}: ${inWindow.length} messages in the window`);
    return {
      targetPerSecond: rate,
      achievedPerSecond: ((inWindow.length - 1) * 1000) / (b.storedAt - a.storedAt),
      messagesInWindow: inWindow.length,
    };
  });
}
