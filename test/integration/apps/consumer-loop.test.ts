/**
 * The consumer's pull loop (`Consumer`) in process, against a real nats-server through the NATS
 * adapter: the worker pool's guarantees that the hot path must keep. With CONCURRENCY 1 messages are
 * applied strictly one after the other in stream order; with CONCURRENCY N never more than N at once
 * (and N are reached, so the probe can see overlap); when `run` returns, every ack is confirmed.
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import type { Effect, EffectSink } from "../../../src/apps/consumer/effect-sink.js";
import { Consumer, SUBSCRIBED } from "../../../src/apps/consumer/consumer.js";
import { MemoryEffectSink } from "../../../src/apps/consumer/memory-effect-sink.js";
import { Processor } from "../../../src/apps/consumer/processor.js";
import { connectBroker } from "../../../src/broker/index.js";
import type { Broker, BrokerOptions } from "../../../src/broker/index.js";
import { createEnvelope, encodeEnvelope } from "../../../src/runtime/envelope.js";
import { createConsumerMetrics } from "../../../src/runtime/metrics/consumer-metrics.js";
import { Readiness } from "../../../src/runtime/readiness.js";
import { NatsServer } from "../../support/nats-server.js";
import { natsOptions } from "../broker/nats-support.js";
import { publishAll } from "../broker/helpers.js";

/** A sink that records the order of applies and how many overlapped, each apply taking `holdMs`. */
class RecordingSink implements EffectSink {
  readonly applied: number[] = [];
  maxConcurrent = 0;
  private running = 0;
  private readonly inner = new MemoryEffectSink(10_000);
  constructor(private readonly holdMs: number) {}

  async apply(effect: Effect) {
    this.maxConcurrent = Math.max(this.maxConcurrent, ++this.running);
    // Give the other workers a chance to start while this one is applying.
    await new Promise((resolve) => setTimeout(resolve, this.holdMs));
    this.running--;
    this.applied.push(effect.seq);
    return this.inner.apply(effect);
  }
  async close() {}
}

describe("consumer loop on nats", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  });

  async function setUp(count: number): Promise<{ broker: Broker; options: BrokerOptions }> {
    const server = await NatsServer.start();
    cleanups.push(() => server.stop());
    const options = natsOptions(server);
    const broker = await connectBroker(options);
    cleanups.push(() => broker.close());
    await broker.provision();
    const envelopes = Array.from({ length: count }, (_, i) =>
      createEnvelope({ seq: i + 1, producer: "test", payload: {} }),
    );
    // One at a time: the stream order is the seq order.
    await publishAll(
      broker,
      envelopes.map((e) => ({ id: e.id, data: encodeEnvelope(e) })),
      1,
    );
    return { broker, options };
  }

  function consumerOf(broker: Broker, sink: EffectSink, concurrency: number): Consumer {
    const logger = pino({ level: "silent" });
    return new Consumer({
      broker,
      processor: new Processor({
        sink,
        metrics: createConsumerMetrics(new Registry()),
        logger,
        instanceId: "loop",
        workTimeMs: 0,
        retryDelayMs: 100,
        ackWaitMs: 5_000,
      }),
      logger,
      readiness: new Readiness([SUBSCRIBED]),
      concurrency,
      batchSize: 10,
      handBackAfterMs: 5_000,
    });
  }

  /** Run a consumer until `sink` applied `count` messages, then stop it; resolves its summary. */
  async function consume(broker: Broker, sink: RecordingSink, count: number, concurrency: number) {
    const consumer = consumerOf(broker, sink, concurrency);
    const stop = new AbortController();
    const running = consumer.run(stop.signal);
    const deadline = Date.now() + 30_000;
    while (sink.applied.length < count && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    stop.abort();
    return running;
  }

  async function pendingOf(options: BrokerOptions): Promise<number> {
    const nc = await connect({ servers: options.url });
    try {
      const info = await (await jetstreamManager(nc)).consumers.info(options.stream, options.consumerGroup);
      return info.num_pending + info.num_ack_pending;
    } finally {
      await nc.close();
    }
  }

  it("with CONCURRENCY 1 applies one message at a time, in stream order, and confirms every ack before returning", async () => {
    const count = 40;
    const { broker, options } = await setUp(count);
    const sink = new RecordingSink(2);
    const summary = await consume(broker, sink, count, 1);
    expect(sink.maxConcurrent).toBe(1);
    expect(sink.applied).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(summary.processed).toBe(count);
    expect(await pendingOf(options)).toBe(0);
  });

  it("with CONCURRENCY 3 overlaps up to 3 messages and never more (negative control of the probe above)", async () => {
    const count = 60;
    const { broker } = await setUp(count);
    const sink = new RecordingSink(20);
    const summary = await consume(broker, sink, count, 3);
    expect(sink.maxConcurrent).toBe(3);
    expect(new Set(sink.applied).size).toBe(count);
    expect(summary.processed).toBe(count);
  });
});

/** Readiness that says when the consumer set SUBSCRIBED true (the subscription is open). */
class SubscribedProbe extends Readiness {
  private resolveSubscribed!: () => void;
  readonly subscribed = new Promise<void>((resolve) => (this.resolveSubscribed = resolve));
  constructor() {
    super([SUBSCRIBED]);
  }
  override set(condition: string, ok: boolean): void {
    super.set(condition, ok);
    if (condition === SUBSCRIBED && ok) this.resolveSubscribed();
  }
}

describe("consumer loop: the subscription is opened once", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  });

  async function connected(): Promise<Broker> {
    const server = await NatsServer.start();
    cleanups.push(() => server.stop());
    const broker = await connectBroker(natsOptions(server));
    cleanups.push(() => broker.close());
    return broker;
  }

  function consumerOf(broker: Broker, readiness: Readiness): Consumer {
    const logger = pino({ level: "silent" });
    return new Consumer({
      broker,
      processor: new Processor({
        sink: new MemoryEffectSink(100),
        metrics: createConsumerMetrics(new Registry()),
        logger,
        instanceId: "once",
        workTimeMs: 0,
        retryDelayMs: 100,
        ackWaitMs: 5_000,
      }),
      logger,
      readiness,
      concurrency: 2,
      batchSize: 10,
      handBackAfterMs: 5_000,
    });
  }

  it("fails the run when the consumer group cannot be found, instead of subscribing again", async () => {
    const broker = await connected(); // not provisioned: no stream, no group
    const run = consumerOf(broker, new Readiness([SUBSCRIBED])).run(new AbortController().signal);
    await expect(run).rejects.toThrow(/not available/);
  });

  it("fails the run when the subscription ends unstopped (its connection closed); a stopped one resolves", async () => {
    const broker = await connected();
    await broker.provision();
    const probe = new SubscribedProbe();
    const running = consumerOf(broker, probe).run(new AbortController().signal);
    await probe.subscribed;
    const failed = expect(running).rejects.toThrow(/ended without being stopped/);
    await broker.close();
    await failed;
    expect(probe.reasons).toEqual([SUBSCRIBED]);

    // Negative control: the same run ended by its signal resolves with its summary.
    const other = await connected();
    await other.provision();
    const otherProbe = new SubscribedProbe();
    const stop = new AbortController();
    const clean = consumerOf(other, otherProbe).run(stop.signal);
    await otherProbe.subscribed;
    stop.abort();
    await expect(clean).resolves.toMatchObject({ processed: 0, unsettled: 0 });
  });
});
