import { pino } from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { Producer } from "../../../../src/apps/producer/producer.js";
import type { Publisher, PublishOutcome } from "../../../../src/apps/producer/publisher.js";
import { constantProfile } from "../../../../src/apps/producer/rate-profile.js";
import { Scheduler } from "../../../../src/apps/producer/scheduler.js";
import type { Envelope } from "../../../../src/runtime/envelope.js";
import { createProducerMetrics } from "../../../../src/runtime/metrics/producer-metrics.js";

/** A publisher whose publishes settle only when the test says so. */
function manualPublisher() {
  const pending: { envelope: Envelope; settle: (o: PublishOutcome) => void }[] = [];
  let maxInFlight = 0;
  const publisher = {
    publish: (envelope: Envelope) =>
      new Promise<PublishOutcome>((settle) => {
        pending.push({ envelope, settle });
        maxInFlight = Math.max(maxInFlight, pending.length);
      }),
  } as unknown as Publisher;
  return { publisher, pending, maxInFlight: () => maxInFlight };
}

function producer(publisher: Publisher, messageLimit: number, maxInFlight: number) {
  return new Producer({
    scheduler: new Scheduler({ profile: constantProfile(1e6), catchUpWindowSeconds: 10 }),
    publisher,
    metrics: createProducerMetrics(new Registry()),
    logger: pino({ level: "silent" }),
    instanceId: "p",
    payloadBytes: 5,
    maxInFlight,
    messageLimit,
  });
}

describe("Producer", () => {
  it("bounds in-flight publishes, stops at MESSAGE_LIMIT and waits for every publish to settle", async () => {
    const manual = manualPublisher();
    const p = producer(manual.publisher, 10, 3);
    let done = false;
    const run = p.run(new AbortController().signal).then((summary) => {
      done = true;
      return summary;
    });
    let settled = 0;
    while (settled < 10) {
      await new Promise((resolve) => setImmediate(resolve));
      const next = manual.pending.shift();
      if (!next) continue;
      expect(next.envelope.seq).toBe(settled + 1);
      expect(next.envelope.payload).toEqual({ data: "xxxxx" });
      expect(done).toBe(false);
      next.settle(settled % 2 === 0 ? "stored" : "duplicate");
      settled++;
    }
    expect(await run).toEqual({ created: 10, stored: 5, duplicates: 5, failed: 0, skipped: 0 });
    expect(manual.maxInFlight()).toBe(3);
  });

  it("stops producing on abort and still waits for in-flight publishes", async () => {
    const manual = manualPublisher();
    const controller = new AbortController();
    const p = producer(manual.publisher, 0, 2);
    const run = p.run(controller.signal);
    while (manual.pending.length < 2) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    for (const item of manual.pending.splice(0)) item.settle("stored");
    expect(await run).toMatchObject({ created: 2, stored: 2 });
  });

  it("hands every due message with a free slot to the publisher within one tick (one client flush)", async () => {
    const manual = manualPublisher();
    const controller = new AbortController();
    const p = producer(manual.publisher, 0, 4);
    const run = p.run(controller.signal);
    // No await yet: the burst happened synchronously inside run().
    expect(manual.pending.map((m) => m.envelope.seq)).toEqual([1, 2, 3, 4]);
    // Acks settled together free their slots together: the refill is again one burst.
    for (const item of manual.pending.splice(0, 3)) item.settle("stored");
    await new Promise((resolve) => setImmediate(resolve));
    expect(manual.pending.map((m) => m.envelope.seq)).toEqual([4, 5, 6, 7]);
    controller.abort();
    for (const item of manual.pending.splice(0)) item.settle("stored");
    expect(await run).toMatchObject({ created: 7, stored: 7 });
    expect(manual.maxInFlight()).toBe(4);
  });
});
