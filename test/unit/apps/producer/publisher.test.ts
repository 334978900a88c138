import { pino } from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { Publisher } from "../../../../src/apps/producer/publisher.js";
import type { Broker, OutgoingMessage, PublishAck } from "../../../../src/broker/port.js";
import { createEnvelope } from "../../../../src/runtime/envelope.js";
import { createProducerMetrics } from "../../../../src/runtime/metrics/producer-metrics.js";

/** A broker whose publish answers come from `answers`, one per attempt, recording every attempt. */
function scriptedBroker(answers: (PublishAck | Error)[]) {
  const attempts: OutgoingMessage[] = [];
  const broker = {
    publish: (message: OutgoingMessage) => {
      attempts.push(message);
      const answer = answers.shift() ?? new Error("no scripted answer");
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  } as unknown as Broker;
  return { broker, attempts };
}

function setup(answers: (PublishAck | Error)[], retries = 3) {
  const registry = new Registry();
  const metrics = createProducerMetrics(registry);
  const { broker, attempts } = scriptedBroker(answers);
  const publisher = new Publisher({
    broker,
    metrics,
    logger: pino({ level: "silent" }),
    retries,
    minBackoffMs: 1,
    maxBackoffMs: 2,
  });
  const envelope = createEnvelope({ seq: 1, producer: "p", payload: { data: "x" } });
  /** Value of sample `name` (a histogram's `_count` too) with `labels`; 0 when absent. */
  const value = async (name: string, labels: Record<string, string> = {}) => {
    for (const metric of await registry.getMetricsAsJSON()) {
      for (const sample of metric.values) {
        const sampleName = (sample as { metricName?: string }).metricName ?? metric.name;
        const sampleLabels = sample.labels as Record<string, unknown>;
        if (sampleName === name && Object.entries(labels).every(([k, l]) => sampleLabels[k] === l))
          return sample.value;
      }
    }
    return 0;
  };
  return { publisher, attempts, envelope, value };
}

describe("Publisher", () => {
  it("publishes once on success and counts it", async () => {
    const { publisher, attempts, envelope, value } = setup([{ sequence: 1, duplicate: false }]);
    await expect(publisher.publish(envelope)).resolves.toBe("stored");
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.id).toBe(envelope.id);
    expect(JSON.parse(new TextDecoder().decode(attempts[0]?.data))).toEqual(envelope);
    expect(await value("producer_messages_published_total", { outcome: "stored" })).toBe(1);
    expect(await value("producer_publish_duration_seconds_count")).toBe(1);
  });

  it("retries a failed first attempt with the same id and counts the failure by reason", async () => {
    const { publisher, attempts, envelope, value } = setup([
      new Error("TimeoutError: timeout"),
      new Error("connection closed"),
      { sequence: 7, duplicate: true },
    ]);
    await expect(publisher.publish(envelope)).resolves.toBe("duplicate");
    expect(attempts.map((a) => a.id)).toEqual([envelope.id, envelope.id, envelope.id]);
    expect(attempts[2]?.data).toBe(attempts[0]?.data);
    expect(await value("producer_publish_failures_total", { reason: "timeout" })).toBe(1);
    expect(await value("producer_publish_failures_total", { reason: "connection" })).toBe(1);
    expect(await value("producer_messages_published_total", { outcome: "duplicate" })).toBe(1);
  });

  it("gives up after the retries, and at once on a payload over the limit", async () => {
    const exhausted = setup([new Error("timeout"), new Error("timeout"), new Error("timeout")], 2);
    await expect(exhausted.publisher.publish(exhausted.envelope)).resolves.toBe("failed");
    expect(exhausted.attempts).toHaveLength(3);
    expect(await exhausted.value("producer_publish_failures_total", { reason: "gave_up" })).toBe(1);

    const tooLarge = setup([new Error("message is over the server's max_payload")]);
    await expect(tooLarge.publisher.publish(tooLarge.envelope)).resolves.toBe("failed");
    expect(tooLarge.attempts).toHaveLength(1);
    expect(await tooLarge.value("producer_publish_failures_total", { reason: "too_large" })).toBe(1);
    expect(await tooLarge.value("producer_publish_failures_total", { reason: "gave_up" })).toBe(1);
  });

  it("treats a synchronous throw of the broker like a failed attempt", async () => {
    const { envelope } = setup([]);
    let calls = 0;
    const throwing = new Publisher({
      broker: {
        publish: () => {
          calls++;
          if (calls === 1) throw new Error("connection closed");
          return Promise.resolve({ sequence: 1, duplicate: false });
        },
      } as unknown as Broker,
      metrics: createProducerMetrics(new Registry()),
      logger: pino({ level: "silent" }),
      retries: 2,
      minBackoffMs: 1,
      maxBackoffMs: 2,
    });
    await expect(throwing.publish(envelope)).resolves.toBe("stored");
    expect(calls).toBe(2);
  });
});
