/**
 * The producer's rate in a real process (`node dist/apps/producer/main.js` against a real
 * nats-server), measured from outside: the server's store timestamps of the messages, read as in
 * `scheduleRate`, so a loaded machine's delays do not count as rate; what this checks is the
 * schedule, not speed (bench/ measures speed).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProducerSummary } from "../../../src/apps/producer/producer.js";
import { AppProcess } from "../../support/app-process.js";
import { readStream, withConnection, type StoredEntry } from "../../support/jetstream-readback.js";
import { NatsServer } from "../../support/nats-server.js";
import { waitFor } from "../../../testkit/poll.js";

/** Allowed relative error of a measured rate. */
const TOLERANCE = 0.02;

/**
 * msg/s between the two least delayed messages of the first and last third. A message is never
 * stored before it is due, and a loaded machine only adds delay (a late tick, a burst catching up),
 * so the messages closest to their due time (`storedAt − index / target` smallest) lie on the
 * schedule's line; the rate between them is the schedule's rate, unaffected by delays in between.
 */
function scheduleRate(entries: readonly StoredEntry[], target: number): number {
  const delay = (i: number) => entries[i]!.storedAtMs / 1000 - i / target;
  // The first fifth is the process warming up (JIT, first connections): not the steady rate.
  const from = Math.floor(entries.length / 5);
  const third = Math.floor((entries.length - from) / 3);
  const leastDelayed = (start: number, end: number): number => {
    let best = start;
    for (let i = start; i < end; i++) if (delay(i) < delay(best)) best = i;
    return best;
  };
  const a = leastDelayed(from, from + third);
  const b = leastDelayed(entries.length - third, entries.length);
  return ((b - a) * 1000) / (entries[b]!.storedAtMs - entries[a]!.storedAtMs);
}

describe("producer rate in a real process (nats)", { timeout: 60_000 }, () => {
  let server: NatsServer;
  beforeEach(async () => {
    server = await NatsServer.start();
  });
  afterEach(async () => {
    await AppProcess.killAll();
    await server.stop();
  });

  async function runProducer(env: Record<string, string | number>): Promise<AppProcess> {
    return AppProcess.start("producer", {
      ...server.appEnv,
      MAX_IN_FLIGHT: "256",
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])),
    });
  }

  const stored = () => withConnection(server.url, (nc) => readStream(nc, "events"));

  // 3 to 5 s of messages at each rate
  for (const [rate, count] of [
    [20, 60],
    [300, 900],
    [1000, 5000],
  ] as const) {
    it(`publishes at ${rate} msg/s within ${TOLERANCE * 100} %`, async () => {
      const p = await runProducer({ RATE_PER_SECOND: rate, MESSAGE_LIMIT: count });
      const exit = await p.exited;
      expect(exit.code, p.stderr).toBe(0);
      const summary = p.lastLog("producer stopped") as unknown as ProducerSummary;
      const entries = await stored();
      expect(entries).toHaveLength(count);
      const measured = scheduleRate(entries, rate);
      console.log(
        `[producer rate] target=${rate} measured=${measured.toFixed(2)} ratio=${(measured / rate).toFixed(4)} skipped=${summary.skipped}`,
      );
      // A producer more than the catch-up window behind skips due messages (and says so): on a
      // machine that starves it, the sent rate is below target by design, not by a drifting schedule.
      expect(summary.skipped, "messages skipped: the producer was starved of CPU").toBe(0);
      expect(Math.abs(measured / rate - 1)).toBeLessThan(TOLERANCE);
    });
  }

  it("switches rate in a running producer at a load-profile step (steps:20@2s,200@2s)", async () => {
    const [low, high, stepSeconds] = [20, 200, 2];
    const p = await runProducer({
      RATE_PER_SECOND: low,
      LOAD_PROFILE: `steps:${low}@${stepSeconds}s,${high}@${stepSeconds}s`,
    });
    const target = async () => (await p.metrics()).value("producer_target_rate_messages_per_second");
    await waitFor(`target rate ${low}`, async () => (await target()) === low, { intervalMs: 20 });
    await waitFor(`target rate ${high} after the step`, async () => (await target()) === high, {
      intervalMs: 20,
    });
    // a little into the second step, then stop: SIGTERM ends the producer cleanly
    await waitFor(
      "a second of the high step stored",
      async () => (await stored()).length >= low * stepSeconds + high,
      { intervalMs: 50 },
    );
    const exit = await p.kill("SIGTERM");
    expect(exit.code, p.stderr).toBe(0);
    const entries = await stored();
    // The schedule's integral reaches low × stepSeconds exactly at the step: messages up to that
    // index are the low step's, the rest the high step's.
    const boundary = low * stepSeconds;
    const [lowStep, highStep] = [entries.slice(0, boundary), entries.slice(boundary)];
    const [lowRate, highRate] = [scheduleRate(lowStep, low), scheduleRate(highStep, high)];
    console.log(
      `[producer rate] steps: ${lowStep.length} msgs at ${lowRate.toFixed(2)}/s, then ${highStep.length} at ${highRate.toFixed(2)}/s`,
    );
    expect(Math.abs(lowRate / low - 1)).toBeLessThan(TOLERANCE);
    expect(Math.abs(highRate / high - 1)).toBeLessThan(TOLERANCE);
  });
});
