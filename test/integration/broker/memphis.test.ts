/**
 * The broker contract against the Memphis adapter (memphis-dev 1.3.2) on the TEST-ONLY Memphis
 * stand-in (a real nats-server with account `$memphis` and the control-plane subjects answered the
 * way a Memphis broker answers them), plus what is specific to Memphis.
 *
 * The stand-in cannot deduplicate on `msg-id` (a real Memphis broker does): the dedup contract test
 * is skipped here, not weakened. It has no dead-letter store either (it only copies dead letters
 * into the dead-letter station): a re-send from that store is published here the way the broker
 * publishes it. `inProgress()` extends the ack deadline (`+WPI` on the JetStream delivery, which the
 * SDK cannot send), so that contract test runs on Memphis too.
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders, nanos } from "@nats-io/nats-core";
import { createMemphisInstance } from "memphis-dev";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectOptions } from "../../../src/broker/memphis/connection.js";
import { MemphisBroker } from "../../../src/broker/memphis/memphis-broker.js";
import { deadLetterResendSubject, stationStreamName } from "../../../src/broker/memphis/names.js";
import { fetchQueueDepth } from "../../../src/broker/common/jsz.js";
import type { BrokerOptions } from "../../../src/broker/options.js";
import {
  memphisDeadLetterReader,
  memphisOptions,
  memphisWaitingPulls,
} from "../../support/memphis-broker-options.js";
import { startMemphisStandIn, type MemphisStandIn } from "../../../testkit/memphis-stand-in.js";
import { NatsServer } from "../../support/nats-server.js";
import { describeBrokerContract } from "./contract.js";
import { bodyId, pollUntil, publishAll, Puller, testMessage } from "./helpers.js";

/** The shortest wait of memphis-dev 1.3.2's `consumer.fetch()` (consumer.js `DefaultBatchMaxTimeToWaitMs`). */
const SDK_FETCH_FLOOR_MS = 1_000;
/** Where the SDK acks a dead-letter re-send (message.js `ack()`). */
const PM_ACKS_SUBJECT = "$memphis_pm_acks";

describeBrokerContract(
  "memphis",
  async () => {
    const standIn = await startMemphisStandIn();
    return {
      options: memphisOptions(standIn),
      capabilities: { dedup: false, inProgress: true },
      readDeadLetters: memphisDeadLetterReader(standIn),
      waitingPulls: memphisWaitingPulls(standIn),
      deleteConsumerGroup: async (options) => {
        const jsm = await jetstreamManager(standIn.connection);
        await jsm.consumers.delete(stationStreamName(options.stream), options.consumerGroup);
      },
      teardown: () => standIn.stop(),
    };
  },
  { controlPlaneStandIn: true },
);

describe("Memphis adapter", () => {
  let standIn: MemphisStandIn;
  let counter = 0;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    standIn = await startMemphisStandIn();
  });
  afterAll(async () => {
    await standIn?.stop();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  });

  /** Options with station / group names unique to the test. */
  function fresh(overrides: Partial<BrokerOptions> = {}): BrokerOptions {
    counter++;
    return memphisOptions(standIn, {
      stream: `events-m${counter}`,
      deadLetterStream: `events-dlq-m${counter}`,
      consumerGroup: `event-consumers-m${counter}`,
      ...overrides,
    });
  }
  const waitingPulls = (options: BrokerOptions): Promise<number> => memphisWaitingPulls(standIn)(options);
  async function open(options: BrokerOptions): Promise<MemphisBroker> {
    const broker = await MemphisBroker.connect(options);
    cleanups.push(() => broker.close());
    return broker;
  }

  it("provisions stream <station>$1 and a durable named after the group (against the stand-in)", async () => {
    const options = fresh({
      ackWaitMs: 7_000,
      maxDeliveries: 10,
      retentionSeconds: 86_400,
      dedupWindowMs: 90_000,
    });
    const broker = await open(options);
    await broker.provision();
    const jsm = await jetstreamManager(standIn.connection);
    const stream = await jsm.streams.info(`${options.stream}$1`);
    expect(stream.config.subjects).toEqual([`${options.stream}$1.>`]);
    expect(stream.config.max_age).toBe(nanos(86_400_000));
    expect(stream.config.duplicate_window).toBe(nanos(90_000));
    const dls = await jsm.streams.info(`${options.deadLetterStream}$1`);
    expect(dls.config.max_age).toBe(nanos(86_400_000));
    const durable = await jsm.consumers.info(`${options.stream}$1`, options.consumerGroup);
    expect(durable.config.ack_wait).toBe(nanos(7_000));
    expect(durable.config.max_deliver).toBe(10);
    expect(durable.config.ack_policy).toBe("explicit");
    // The monitoring read KEDA's nats-jetstream scaler makes, with account $memphis.
    await expect(
      fetchQueueDepth({
        monitorUrl: standIn.monitorUrl,
        account: "$memphis",
        stream: `${options.stream}$1`,
        consumer: options.consumerGroup,
      }),
    ).resolves.toEqual({ pending: 0, ackPending: 0, total: 0 });
  });

  it("creates the stations with streamReplicas replicas (a broker outside a cluster refuses 3)", async () => {
    const one = fresh({ streamReplicas: 1 });
    await (await open(one)).provision();
    const jsm = await jetstreamManager(standIn.connection);
    expect((await jsm.streams.info(stationStreamName(one.stream))).config.num_replicas).toBe(1);
    const three = fresh({ streamReplicas: 3 });
    await expect((await open(three)).provision()).rejects.toThrow(/replicas > 1 not supported/);
  });

  it("maps dots in a station name to '#' (against the stand-in)", async () => {
    const options = fresh({ stream: `orders.created.m${counter + 1}` });
    const broker = await open(options);
    await broker.provision();
    // The queue depth below is read from this stream: the broker created it under this name.
    expect(stationStreamName(options.stream)).toBe(`orders#created#m${counter}$1`);
    const message = testMessage();
    await broker.publish(message);
    const depth = await pollUntil("1 pending", async () => {
      const d = await broker.queueDepth();
      return d.pending === 1 ? d : undefined;
    });
    expect(depth.total).toBe(1);
  });

  it("publish() returns the stream sequence, and fails loudly when the SDK's ack cannot be captured", async () => {
    const options = fresh();
    const broker = await open(options);
    await broker.provision();
    const first = await broker.publish(testMessage());
    const second = await broker.publish(testMessage());
    expect(first.sequence).toBeGreaterThan(0);
    expect(second.sequence).toBe(first.sequence + 1);
    // Negative control: undo the adapter's wrapper of the SDK's `_publish` seam (as an SDK change
    // that stopped calling it would): the publish still reaches the broker, but its ack is unknown.
    const sdk = (broker as unknown as { memphis: { _publish: unknown } }).memphis;
    sdk._publish = (Object.getPrototypeOf(sdk) as { _publish: (...a: unknown[]) => unknown })._publish.bind(
      sdk,
    );
    await expect(broker.publish(testMessage())).rejects.toThrow(/ack was not captured/);
  });

  it("says plainly when BROKER_URL is a plain nats-server, not a Memphis broker", async () => {
    const server = await NatsServer.start();
    cleanups.push(() => server.stop());
    const broker = await open(
      memphisOptions(standIn, { url: `127.0.0.1:${server.port}`, monitorUrl: server.monitorUrl }),
    );
    await expect(broker.provision()).rejects.toThrow(
      "the broker URL points at a NATS server, not a Memphis broker: no responder for $memphis_station_creations",
    );
  });

  it("close() leaves the durable; destroying the last member (what close() must never do) deletes it (against the stand-in)", async () => {
    const options = fresh();
    const broker = await open(options);
    await broker.provision();
    await broker.close();
    const jsm = await jetstreamManager(standIn.connection);
    const durable = await jsm.consumers.info(`${options.stream}$1`, options.consumerGroup);
    expect(durable.name).toBe(options.consumerGroup);

    // Why it must not: destroying a group's last member deletes the durable (broker and stand-in alike).
    const solo = `${options.consumerGroup}-solo`;
    const sdk = await createMemphisInstance().connect(connectOptions(options));
    cleanups.push(() => sdk.close());
    const member = await sdk.consumer({
      stationName: options.stream,
      consumerName: "short-lived",
      consumerGroup: solo,
      maxAckTimeMs: options.ackWaitMs,
      maxMsgDeliveries: options.maxDeliveries,
    });
    await expect(jsm.consumers.info(`${options.stream}$1`, solo)).resolves.toBeDefined();
    await member.destroy();
    await expect(jsm.consumers.info(`${options.stream}$1`, solo)).rejects.toThrow(/consumer not found/);
    await expect(jsm.consumers.info(`${options.stream}$1`, options.consumerGroup)).resolves.toBeDefined();
  });

  it("stops an idle subscription in one round trip, where the SDK's fetch waits at least 1 s", async () => {
    const options = fresh({ ackWaitMs: 60_000 });
    const broker = await open(options);
    await broker.provision();
    const idle = new Puller(await broker.consume({ batchSize: 10 }));
    // The caller waits for a message: a pull request is open at the broker.
    expect(await idle.next(200)).toBeUndefined();
    await pollUntil("the open pull request", async () =>
      (await waitingPulls(options)) > 0 ? true : undefined,
    );
    // Negative control, the old path: the SDK's fetch on an idle group cannot return before its
    // floor of 1 s (consumer.js DefaultBatchMaxTimeToWaitMs), the time the old stop() waited for.
    const sdk = await createMemphisInstance().connect(connectOptions(options));
    cleanups.push(() => sdk.close());
    const sdkConsumer = await sdk.consumer({
      stationName: options.stream,
      consumerName: "sdk-fetch",
      consumerGroup: `${options.consumerGroup}-sdk`,
      maxAckTimeMs: options.ackWaitMs,
      maxMsgDeliveries: options.maxDeliveries,
    });
    const floor = (): Promise<"floor"> =>
      new Promise((resolve) => setTimeout(() => resolve("floor"), SDK_FETCH_FLOOR_MS));
    await expect(Promise.race([sdkConsumer.fetch({ batchSize: 1 }), floor()])).resolves.toBe("floor");
    await expect(Promise.race([idle.subscription.stop(), floor()])).resolves.toBeUndefined();
    expect(await idle.next(100)).toBeUndefined();
  });

  it("stopped mid-batch with a pull in flight: nothing lost, nothing held until AckWait", async () => {
    const options = fresh({ ackWaitMs: 60_000 });
    const broker = await open(options);
    await broker.provision();
    const stored = Array.from({ length: 300 }, () => testMessage());
    await publishAll(broker, stored);
    const applied = new Map<string, number>();
    const apply = async (m: { id: string | undefined; ack(): Promise<void> }): Promise<void> => {
      applied.set(m.id!, (applied.get(m.id!) ?? 0) + 1);
      await m.ack();
    };
    const first = new Puller(await broker.consume({ batchSize: 50 }));
    await first.until("a part of the first batch", apply, () => applied.size >= 30);
    await first.subscription.stop();
    expect(await first.next(200)).toBeUndefined();
    const second = new Puller(await (await open(options)).consume({ batchSize: 50 }));
    cleanups.push(() => second.subscription.stop());
    await second.until(
      "every stored message",
      apply,
      () => stored.every((m) => applied.has(m.id)),
      20_000, // a third of the ack wait: a message held by the stopped subscription would miss it
    );
    expect(
      stored.filter((m) => !applied.has(m.id)),
      "lost",
    ).toEqual([]);
    expect(
      [...applied.values()].filter((n) => n > 1),
      "applied twice",
    ).toEqual([]);
    await pollUntil("nothing left for the group", async () =>
      (await broker.queueDepth()).total === 0 ? true : undefined,
    );
  });

  it("delivers a message the broker re-sends from its dead-letter store, and acks it the SDK's way", async () => {
    const options = fresh({ ackWaitMs: 60_000 });
    const broker = await open(options);
    await broker.provision();
    const puller = new Puller(await broker.consume({ batchSize: 10 }));
    cleanups.push(() => puller.subscription.stop());
    // The caller waits for a message with a pull request open: the re-send must wake it.
    expect(await puller.next(200)).toBeUndefined();
    const pmAcks: { id: number; cg_name: string }[] = [];
    const acks = standIn.connection.subscribe(PM_ACKS_SUBJECT, {
      callback: (_error, msg) => {
        pmAcks.push(msg.json());
      },
    });
    cleanups.push(async () => acks.unsubscribe());
    const resent = testMessage();
    // What the broker publishes (memphisdev/memphis@v1.4.4 server/memphis_handlers_stations.go
    // ResendPoisonMessage): the stored headers plus the poison message's id and group.
    const headers = natsHeaders();
    headers.set("msg-id", resent.id);
    headers.set("$memphis_pm_id", "42");
    headers.set("$memphis_pm_cg_name", options.consumerGroup);
    headers.set("$memphis_producedBy", "$memphis_dls");
    const { subject } = deadLetterResendSubject(options.stream, options.consumerGroup);
    standIn.connection.publish(subject, resent.data, { headers });
    const delivered = await pollUntil("the re-sent message", () => puller.next(1_000), 10_000);
    expect(delivered.id).toBe(resent.id);
    expect(bodyId(delivered)).toBe(resent.id);
    expect(delivered.headers).toEqual({ "msg-id": resent.id });
    // Negative control: not acked until ack() is called.
    await standIn.connection.flush();
    expect(pmAcks).toEqual([]);
    await delivered.ack();
    await pollUntil("the ack of the re-send", () => (pmAcks.length > 0 ? true : undefined));
    await standIn.connection.flush();
    expect(pmAcks).toEqual([{ id: 42, cg_name: options.consumerGroup }]);
    // Stored messages keep coming through the same subscription.
    const stored = testMessage();
    await broker.publish(stored);
    const next = await pollUntil("a stored message after the re-send", () => puller.next(1_000));
    expect(next.id).toBe(stored.id);
    await next.ack();
  });

  it("serves a short queue at once instead of waiting for a full batch", async () => {
    const options = fresh({ ackWaitMs: 60_000 });
    const broker = await open(options);
    await broker.provision();
    const queued = Array.from({ length: 5 }, () => testMessage());
    await publishAll(broker, queued, 5);
    const puller = new Puller(await broker.consume({ batchSize: 10 }));
    const received: string[] = [];
    const take = async (m: { id: string | undefined; ack(): Promise<void> }) => {
      received.push(m.id!);
      await m.ack();
    };
    await puller.until("the 5 queued messages", take, () => received.length >= 5, 20_000);
    expect(received.sort()).toEqual(queued.map((m) => m.id).sort());
    // Idle now: a message published to the idle group comes as soon as it is stored.
    const late = testMessage();
    await broker.publish(late);
    await puller.until(
      "a message published to the idle group",
      take,
      () => received.includes(late.id),
      20_000,
    );
    // More than a batch queued: all of it comes, in batches of at most 10.
    const backlog = Array.from({ length: 23 }, () => testMessage());
    await publishAll(broker, backlog, 8);
    await puller.until("the backlog", take, () => backlog.every((m) => received.includes(m.id)), 20_000);
    // A message published after stop() stays pending for the group: no request of the stopped
    // subscription takes it.
    await puller.subscription.stop();
    await broker.publish(testMessage());
    await expect(broker.queueDepth()).resolves.toMatchObject({ pending: 1, ackPending: 0 });
  });

  it("copies a message past its max deliveries into the dead-letter station (against the stand-in)", async () => {
    const options = fresh({ maxDeliveries: 2 });
    const broker = await open(options);
    await broker.provision();
    const message = testMessage({ "X-Trace-Id": "trace-7" });
    await broker.publish(message);
    const puller = new Puller(await broker.consume({ batchSize: 1 }));
    cleanups.push(() => puller.subscription.stop());
    for (const attempt of [1, 2]) {
      const delivered = await pollUntil(`delivery ${attempt}`, () => puller.next(1_000));
      expect(delivered.id).toBe(message.id);
      expect(delivered.deliveryCount).toBe(attempt);
      expect(delivered.maxDeliveries).toBe(2);
      await delivered.retryLater(0);
    }
    // The broker notices the exceeded count when the group pulls again: keep pulling, expect nothing.
    const extra: (string | undefined)[] = [];
    const letters = await pollUntil("the dead letter", async () => {
      const third = await puller.next(200);
      if (third) extra.push(third.id);
      const all = await memphisDeadLetterReader(standIn)(options);
      return all.length > 0 ? all : undefined;
    });
    expect(extra, "deliveries past max deliveries").toEqual([]);
    expect(letters).toHaveLength(1);
    expect(letters[0]?.reason).toBe("max deliveries exceeded (2)");
    expect(letters[0]?.headers["X-Trace-Id"]).toBe("trace-7");
    expect(letters[0]?.headers["msg-id"]).toBe(message.id);
  });

  it("consumes far faster than the SDK's on('message') loop (reports msg/s)", async () => {
    const options = fresh({ ackWaitMs: 60_000 });
    const broker = await open(options);
    await broker.provision();
    const total = 5_000;
    const messages = Array.from({ length: total }, () => testMessage());
    const publishStart = performance.now();
    await publishAll(broker, messages, 128);
    const publishSeconds = (performance.now() - publishStart) / 1000;
    const puller = new Puller(await broker.consume({ batchSize: 100 }));
    cleanups.push(() => puller.subscription.stop());
    const received = new Set<string>();
    const start = performance.now();
    await puller.until(
      `${total} messages`,
      async (m) => {
        received.add(m.id!);
        await m.ack();
      },
      () => received.size >= total,
      50_000,
    );
    const seconds = (performance.now() - start) / 1000;
    console.log(
      `memphis adapter on the stand-in: published ${total} in ${publishSeconds.toFixed(2)} s (${Math.round(total / publishSeconds)} msg/s, awaited acks, 128 in flight); ` +
        `consumed+acked in ${seconds.toFixed(2)} s (${Math.round(total / seconds)} msg/s, batch 100, one at a time)`,
    );
    expect(messages.filter((m) => !received.has(m.id))).toEqual([]);
  });

  it("reports disconnect and reconnect, and keeps consuming across a server restart", async () => {
    const local = await startMemphisStandIn();
    cleanups.push(() => local.stop());
    const broker = await open(memphisOptions(local));
    const events: string[] = [];
    broker.onEvent((event) => events.push(event.type));
    await broker.provision();
    const puller = new Puller(await broker.consume({ batchSize: 10 }));
    cleanups.push(() => puller.subscription.stop());
    await local.server.restart();
    await pollUntil("reconnected event", () => (events.includes("reconnected") ? true : undefined), 30_000);
    expect(events).toContain("disconnected");
    const message = testMessage();
    await pollUntil("a publish after the restart", () => broker.publish(message), 30_000, 250);
    const delivered = await pollUntil("delivery after the restart", () => puller.next(1_000), 30_000);
    expect(delivered.id).toBe(message.id);
    await delivered.ack();
  });

  it("rejects wrong credentials without printing them", async () => {
    const base = memphisOptions(standIn);
    const wrong = await MemphisBroker.connect({ ...base, password: "wrong-pw-123", connectRetries: 5 }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(wrong?.message).toMatch(/cannot connect to Memphis/);
    expect(wrong?.message).toMatch(/Authorization Violation/i);
    expect(wrong?.message).not.toContain("wrong-pw-123");
  });
});
