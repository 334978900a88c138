/**
 * Consumer cold start: process spawn → first message processed. A few messages are pre-filled, the
 * consumer is spawned, and the group's acknowledged count is polled every 5 ms until it moves. Then,
 * once all are processed, the idle consumer's SIGTERM → exit time (its drain) is taken too.
 * `nodeFloorMs` is the spawn-to-exit time of an empty `node -e ""` on the same machine: the part no
 * app can avoid.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { BenchBroker, BenchOptions } from "../options.js";
import { MeasuredProcess, type Implementation } from "../processes.js";
import { ackedCount } from "../probes.js";
import { startParticipant } from "./participants.js";
import { withBroker } from "./with-broker.js";

/** Messages pre-filled before the consumer starts. */
const PREFILLED = 5;
/** Poll interval of the first-ack detection. */
const POLL_MS = 5;
/** SIGKILL after this long in SIGTERM (the contract's DRAIN_TIMEOUT_MS default plus slack). */
const DRAIN_BOUND_MS = 25_000;

/** One cold-start run. */
export interface ColdStartRun {
  /** Spawn → first message acknowledged. */
  readonly firstMessageMs: number;
  /** SIGTERM → exit of the idle consumer. */
  readonly drainMs: number;
  /** Exit code after SIGTERM (0 expected; null when it had to be killed). */
  readonly exitCode: number | null;
}

export function runColdStart(
  kind: BenchBroker,
  impl: Implementation,
  options: BenchOptions,
): Promise<ColdStartRun> {
  return withBroker(kind, async (broker, processes) => {
    await broker.prefill(PREFILLED, options.payloadBytes);
    const { stream, durable } = broker.rawTarget;
    const consumer = await startParticipant(broker, impl, "consumer", { CONCURRENCY: "1", BATCH_SIZE: "10" });
    processes.add(consumer.process);
    const deadline = performance.now() + options.deadlineMs;
    let firstMessageMs: number | undefined;
    for (;;) {
      const acked = await ackedCount(broker.jsm, stream, durable, PREFILLED);
      const at = performance.now();
      if (acked > 0) firstMessageMs ??= at - consumer.process.spawnedAt;
      if (acked >= PREFILLED) break;
      if (!consumer.process.running)
        throw new Error(
          `${impl} consumer exited before its messages were processed:\n${consumer.process.tail()}`,
        );
      if (at > deadline)
        throw new Error(
          `${impl} consumer on ${kind} processed ${acked} of ${PREFILLED} within ${options.deadlineMs} ms`,
        );
      await sleep(POLL_MS);
    }
    // Idle now: time the SIGTERM drain (readiness off, stop pulling, close) to exit.
    const termAt = performance.now();
    const exitCode = await consumer.process.stop(DRAIN_BOUND_MS);
    return { firstMessageMs: firstMessageMs as number, drainMs: performance.now() - termAt, exitCode };
  });
}

/** Spawn-to-exit time (ms) of an empty Node.js process. */
export async function nodeFloorMs(): Promise<number> {
  const process = MeasuredProcess.start("node floor", ["-e", ""], {});
  await process.waitForExit(30_000);
  return performance.now() - process.spawnedAt;
}
