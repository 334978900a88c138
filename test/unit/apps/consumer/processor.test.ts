import { pino } from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { DeliveredMessage } from "../../../../src/broker/port.js";
import { MemoryEffectSink } from "../../../../src/apps/consumer/memory-effect-sink.js";
import { Processor } from "../../../../src/apps/consumer/processor.js";
import { createEnvelope, encodeEnvelope } from "../../../../src/runtime/envelope.js";
import { createConsumerMetrics } from "../../../../src/runtime/metrics/consumer-metrics.js";

/** A delivered message that records how it was settled. */
function delivered(data: Uint8Array, deliveryCount = 1, maxDeliveries = 3, deadLetterFails = false) {
  const settled: string[] = [];
  let heartbeats = 0;
  const message: DeliveredMessage = {
    id: "m",
    data,
    headers: {},
    deliveryCount,
    maxDeliveries,
    sequence: 1,
    ack: async () => void settled.push("ack"),
    retryLater: async (delay) => void settled.push(`retry:${delay}`),
    deadLetter: async (reason) => {
      if (deadLetterFails) throw new Error("maximum payload exceeded");
      settled.push(`dead:${reason}`);
    },
    inProgress: () => void heartbeats++,
  };
  return { message, settled, heartbeats: () => heartbeats };
}

function processor(workTimeMs = 0, ackWaitMs = 30_000) {
  const registry = new Registry();
  const metrics = createConsumerMetrics(registry);
  const sink = new MemoryEffectSink(100);
  const p = new Processor({
    sink,
    metrics,
    logger: pino({ level: "silent" }),
    instanceId: "c",
    workTimeMs,
    retryDelayMs: 250,
    ackWaitMs,
  });
  return { p, registry };
}

const good = () => encodeEnvelope(createEnvelope({ seq: 1, producer: "p", payload: { data: "x" } }));
const poison = () => encodeEnvelope(createEnvelope({ seq: 1, producer: "p", payload: { poison: true } }));
const never = new AbortController().signal;
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const envelopeWith = (fields: Record<string, unknown>) =>
  encode({ ...createEnvelope({ seq: 1, producer: "p", payload: {} }), ...fields });

/** Handle and wait for the settle to be confirmed. */
async function outcome(p: Processor, message: DeliveredMessage, signal: AbortSignal) {
  return (await p.handle(message, signal)).outcome;
}

describe("Processor", () => {
  it("acks a good message, then reports its redelivery as a duplicate", async () => {
    const { p } = processor();
    const data = good();
    const first = delivered(data);
    expect(await outcome(p, first.message, never)).toBe("processed");
    expect(first.settled).toEqual(["ack"]);
    const again = delivered(data, 2);
    expect(await outcome(p, again.message, never)).toBe("duplicate");
    expect(again.settled).toEqual(["ack"]);
  });

  it("dead-letters a malformed message at once", async () => {
    const { p, registry } = processor();
    const d = delivered(new TextEncoder().encode("{oops"));
    expect(await outcome(p, d.message, never)).toBe("dead_lettered");
    expect(d.settled).toHaveLength(1);
    expect(d.settled[0]).toMatch(/^dead:malformed: not UTF-8 JSON/);
    expect(await registry.getSingleMetricAsString("consumer_dead_lettered_total")).toContain(
      'reason="malformed"} 1',
    );
  });

  it("retries poison until the last delivery, then dead-letters it", async () => {
    const { p } = processor();
    const data = poison();
    const first = delivered(data, 1, 3);
    expect(await outcome(p, first.message, never)).toBe("retried");
    expect(first.settled).toEqual(["retry:250"]);
    const last = delivered(data, 3, 3);
    expect(await outcome(p, last.message, never)).toBe("dead_lettered");
    expect(last.settled[0]).toMatch(/^dead:poison: failed 3 deliveries/);
  });

  it("hands back work interrupted by the drain deadline", async () => {
    const { p } = processor(60_000);
    const d = delivered(good());
    const controller = new AbortController();
    const handling = outcome(p, d.message, controller.signal);
    controller.abort();
    expect(await handling).toBe("handed_back");
    expect(d.settled).toEqual(["retry:0"]);
  });

  it("sends in-progress heartbeats while work outlasts a third of the ack wait", async () => {
    const { p } = processor(200, 150);
    const d = delivered(good());
    expect(await outcome(p, d.message, never)).toBe("processed");
    expect(d.heartbeats()).toBeGreaterThanOrEqual(2);
  });

  it("frees the worker once the ack is sent, and reports the outcome once it is confirmed", async () => {
    const { p, registry } = processor();
    const d = delivered(good());
    let confirm: () => void = () => {};
    const message: DeliveredMessage = {
      ...d.message,
      ack: () => {
        d.settled.push("ack");
        return new Promise<void>((resolve) => (confirm = resolve));
      },
    };
    const handled = await p.handle(message, never);
    // The ack went out and the worker is free, though the broker has not confirmed it yet.
    expect(d.settled).toEqual(["ack"]);
    expect(await registry.getSingleMetricAsString("consumer_in_flight_messages")).toMatch(/ 0$/m);
    let settled = false;
    void handled.outcome.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    expect(await registry.getSingleMetricAsString("consumer_messages_total")).toContain(
      'outcome="processed"} 0',
    );
    confirm();
    expect(await handled.outcome).toBe("processed");
    expect(await registry.getSingleMetricAsString("consumer_messages_total")).toContain(
      'outcome="processed"} 1',
    );
  });

  it("reports an ack that is not confirmed as unsettled, and its redelivery as a duplicate", async () => {
    const { p, registry } = processor();
    const data = good();
    const d = delivered(data);
    const failing: DeliveredMessage = {
      ...d.message,
      ack: () => Promise.reject(new Error("no PONG within 5000 ms")),
    };
    expect(await outcome(p, failing, never)).toBe("unsettled");
    expect(await registry.getSingleMetricAsString("consumer_messages_total")).toContain(
      'outcome="processed"} 0',
    );
    const again = delivered(data, 2);
    expect(await outcome(p, again.message, never)).toBe("duplicate");
    expect(again.settled).toEqual(["ack"]);
  });

  it("awaits retries and dead-lettering before freeing the worker", async () => {
    const { p } = processor();
    const d = delivered(poison(), 1, 3);
    let retried = false;
    const message: DeliveredMessage = {
      ...d.message,
      retryLater: async () => {
        await new Promise((resolve) => setImmediate(resolve));
        retried = true;
      },
    };
    await p.handle(message, never);
    expect(retried).toBe(true);
  });

  it("hands a message back after RETRY_DELAY_MS when dead-lettering it fails, counted as dead_letter_failed", async () => {
    const { p, registry } = processor();
    const d = delivered(new TextEncoder().encode("OK\r\n"), 1, 3, true);
    expect(await outcome(p, d.message, never)).toBe("dead_letter_failed");
    expect(d.settled).toEqual(["retry:250"]);
    const text = await registry.getSingleMetricAsString("consumer_messages_total");
    expect(text).toContain('outcome="dead_letter_failed"} 1');
    expect(text).toContain('outcome="dead_lettered"} 0');
  });

  it("honours the poison marker only as payload.poison === true", async () => {
    for (const payload of [{ poison: "true" }, { poison: 1 }, [true], { nested: { poison: true } }]) {
      const { p } = processor();
      const d = delivered(envelopeWith({ payload }), 1, 3);
      expect(await outcome(p, d.message, never), JSON.stringify(payload)).toBe("processed");
    }
    const { p } = processor();
    const d = delivered(envelopeWith({ payload: JSON.parse('{"__proto__": {"poison": true}}') }), 1, 3);
    expect(await outcome(p, d.message, never)).toBe("processed");
    const marked = delivered(envelopeWith({ payload: { poison: true } }), 1, 3);
    expect(await outcome(p, marked.message, never)).toBe("retried");
  });

  it("dead-letters a producedAt outside its window as malformed", async () => {
    for (const producedAt of [-1e300, 0, Date.now() + 2 * 24 * 3600 * 1000, 1e300]) {
      const { p, registry } = processor();
      const d = delivered(envelopeWith({ producedAt }));
      expect(await outcome(p, d.message, never), String(producedAt)).toBe("dead_lettered");
      expect(d.settled[0]).toMatch(/^dead:malformed: producedAt/);
      expect(await registry.getSingleMetricAsString("consumer_end_to_end_latency_seconds")).toContain(
        "consumer_end_to_end_latency_seconds_count 0",
      );
    }
  });

  it("acks a conflicting body under an applied id as a duplicate, counted apart", async () => {
    const { p, registry } = processor();
    const first = envelopeWith({ id: "same", payload: { n: 1 } });
    expect(await outcome(p, delivered(first).message, never)).toBe("processed");
    expect(await outcome(p, delivered(first, 2).message, never)).toBe("duplicate");
    expect(await registry.getSingleMetricAsString("consumer_conflicting_messages_total")).toContain(
      "consumer_conflicting_messages_total 0",
    );
    const other = delivered(envelopeWith({ id: "same", payload: { n: 2 } }));
    expect(await outcome(p, other.message, never)).toBe("duplicate");
    expect(other.settled).toEqual(["ack"]);
    expect(await registry.getSingleMetricAsString("consumer_conflicting_messages_total")).toContain(
      "consumer_conflicting_messages_total 1",
    );
  });
});
