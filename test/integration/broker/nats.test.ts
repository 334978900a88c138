/**
 * The broker contract against a real nats-server, plus what only NATS can show on one machine:
 * a server crash mid-publish, consume across a restart, a deleted consumer, oversized payloads,
 * and connection failures.
 */
import { AckPolicy, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterEach, describe, expect, it } from "vitest";
import { NatsBroker } from "../../../src/broker/nats/nats-broker.js";
import { fetchQueueDepth } from "../../../src/broker/common/jsz.js";
import type { BrokerOptions } from "../../../src/broker/options.js";
import type { BrokerEvent, OutgoingMessage, PublishAck } from "../../../src/broker/port.js";
import { freePort, NatsServer } from "../../support/nats-server.js";
import { describeBrokerContract } from "./contract.js";
import { pollUntil, publishAll, Puller, testMessage } from "./helpers.js";
import { natsOptions, readNatsDeadLetters } from "./nats-support.js";

describeBrokerContract("nats", async () => {
  const server = await NatsServer.start();
  return {
    options: natsOptions(server),
    capabilities: { dedup: true, inProgress: true },
    readDeadLetters: readNatsDeadLetters,
    waitingPulls: async (options) => {
      const nc = await connect({ servers: options.url });
      try {
        return (await (await jetstreamManager(nc)).consumers.info(options.stream, options.consumerGroup))
          .num_waiting;
      } finally {
        await nc.close();
      }
    },
    deleteConsumerGroup: async (options) => {
      const nc = await connect({ servers: options.url });
      try {
        await (await jetstreamManager(nc)).consumers.delete(options.stream, options.consumerGroup);
      } finally {
        await nc.close();
      }
    },
    teardown: () => server.stop(),
  };
});

describe("NATS adapter", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  });

  async function startServer(options: Parameters<typeof NatsServer.start>[0] = {}): Promise<NatsServer> {
    const server = await NatsServer.start(options);
    cleanups.push(() => server.stop());
    return server;
  }
  async function open(options: BrokerOptions): Promise<NatsBroker> {
    const broker = await NatsBroker.connect(options);
    cleanups.push(() => broker.close());
    return broker;
  }

  /** Publish, retrying the same id until the broker acknowledges it (what the producer does). */
  async function publishWithRetry(broker: NatsBroker, message: OutgoingMessage): Promise<PublishAck> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        return await broker.publish(message);
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  it("survives a server SIGKILL + restart mid-publish: exactly N stored, none lost, none duplicated", async () => {
    const server = await startServer();
    const options = natsOptions(server);
    const broker = await open(options);
    await broker.provision();
    const total = 600;
    const messages = Array.from({ length: total }, () => testMessage());
    let acked = 0;
    let crash: Promise<void> | undefined;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < messages.length) {
        const message = messages[next++]!;
        await publishWithRetry(broker, message);
        acked++;
        if (acked === 150 && !crash) crash = server.kill("SIGKILL").then(() => server.startAgain());
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(crash, "the server was killed mid-publish").toBeDefined();
    await crash;

    const nc = await connect({ servers: server.url });
    cleanups.push(() => nc.close());
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(options.stream);
    expect(info.state.messages).toBe(total);

    const counts = new Map<string, number>();
    const puller = new Puller(await broker.consume({ batchSize: 100 }));
    cleanups.push(() => puller.subscription.stop());
    await puller.until(
      "all stored messages",
      async (m) => {
        counts.set(m.id!, (counts.get(m.id!) ?? 0) + 1);
        await m.ack();
      },
      () => counts.size >= total,
    );
    const lost = messages.filter((m) => !counts.has(m.id));
    const duplicates = [...counts.values()].filter((n) => n > 1);
    expect(lost).toHaveLength(0);
    expect(duplicates).toHaveLength(0);
  });

  it("keeps consuming across a server restart and reports disconnect/reconnect", async () => {
    const server = await startServer();
    const broker = await open(natsOptions(server));
    const events: BrokerEvent["type"][] = [];
    broker.onEvent((event) => events.push(event.type));
    await broker.provision();
    const puller = new Puller(await broker.consume({ batchSize: 10 }));
    cleanups.push(() => puller.subscription.stop());

    const before = Array.from({ length: 20 }, () => testMessage());
    await publishAll(broker, before);
    const received = new Set<string>();
    const take = async (m: { id: string | undefined; ack(): Promise<void> }): Promise<void> => {
      received.add(m.id!);
      await m.ack();
    };
    await puller.until("messages before the restart", take, () => before.every((m) => received.has(m.id)));

    await server.restart();
    await pollUntil("reconnected event", () => (events.includes("reconnected") ? true : undefined));
    expect(events).toContain("disconnected");

    const after = Array.from({ length: 20 }, () => testMessage());
    for (const m of after) await publishWithRetry(broker, m);
    await puller.until(
      "messages after the restart",
      take,
      () => after.every((m) => received.has(m.id)),
      45_000,
    );
  });

  it("re-provisioning applies changed settings to the existing stream and consumer group", async () => {
    const server = await startServer();
    const options = natsOptions(server);
    const broker = await open(options);
    await broker.provision();
    const changed = await open({ ...options, ackWaitMs: 7_000, maxDeliveries: 3, retentionSeconds: 7_200 });
    await changed.provision();
    const nc = await connect({ servers: server.url });
    cleanups.push(() => nc.close());
    const jsm = await jetstreamManager(nc);
    const consumer = await jsm.consumers.info(options.stream, options.consumerGroup);
    expect(consumer.config.ack_wait).toBe(7_000 * 1e6);
    expect(consumer.config.max_deliver).toBe(4);
    const stream = await jsm.streams.info(options.stream);
    expect(stream.config.max_age).toBe(7_200 * 1e9);
    expect(stream.config.duplicate_window).toBe(options.dedupWindowMs * 1e6);
  });

  it("stream replicas: provisioned as num_replicas; above 1 on a server outside a cluster it refuses, changing nothing", async () => {
    const server = await startServer();
    const options = natsOptions(server, { streamReplicas: 1 });
    const broker = await open(options);
    await broker.provision();
    const nc = await connect({ servers: server.url });
    cleanups.push(() => nc.close());
    const jsm = await jetstreamManager(nc);
    const replicas = async (): Promise<number[]> => [
      (await jsm.streams.info(options.stream)).config.num_replicas,
      (await jsm.streams.info(options.deadLetterStream)).config.num_replicas,
      (await jsm.consumers.info(options.stream, options.consumerGroup)).config.num_replicas ?? 0,
    ];
    expect(await replicas()).toEqual([1, 1, 1]);
    const three = await open({ ...options, streamReplicas: 3 });
    await expect(three.provision()).rejects.toThrow(
      /3 replicas of stream "events" need a clustered JetStream, and the server at .* is not part of a cluster; nothing was changed/,
    );
    expect(await replicas()).toEqual([1, 1, 1]);
    // What the refusal spares: nats-server itself refuses a new consumer with 3 replicas here.
    await expect(
      jsm.consumers.add(options.stream, {
        durable_name: "r3",
        ack_policy: AckPolicy.Explicit,
        num_replicas: 3,
      }),
    ).rejects.toThrow(/replicas > 1 not supported in non-clustered mode/);
    const message = testMessage();
    await expect(three.publish(message)).resolves.toMatchObject({ duplicate: false });
  });

  it("rejects an oversized payload with its size and the limit, and keeps publishing", async () => {
    const server = await startServer({ maxPayload: 4096 });
    const broker = await open(natsOptions(server));
    await broker.provision();
    const big: OutgoingMessage = { id: "too-big", data: new Uint8Array(5000) };
    await expect(broker.publish(big)).rejects.toThrow(/5000 bytes.*max_payload of 4096/);
    // Under the payload limit but over it with headers: still a clear error, no hang.
    const edge: OutgoingMessage = { id: "edge", data: new Uint8Array(4090) };
    await expect(broker.publish(edge)).rejects.toThrow(/4090 bytes.*max_payload 4096/);
    const ack = await broker.publish(testMessage());
    expect(ack.duplicate).toBe(false);
  });

  it("retries refused connections, then fails naming the server", async () => {
    const port = await freePort();
    const options = natsOptions({ url: `nats://127.0.0.1:${port}`, monitorUrl: "" } as NatsServer, {
      connectRetries: 2,
    });
    await expect(NatsBroker.connect(options)).rejects.toThrow(
      new RegExp(`cannot connect to NATS at nats://127.0.0.1:${port} .* after 3 attempt\\(s\\)`),
    );
  });

  it("reads /jsz of a real server in the states KEDA meets: account, stream or group missing, then present", async () => {
    const server = await startServer();
    const options = natsOptions(server);
    const target = {
      monitorUrl: server.monitorUrl,
      account: options.account,
      stream: options.stream,
      consumer: options.consumerGroup,
    };
    await expect(fetchQueueDepth({ ...target, account: "NO_SUCH_ACCOUNT" })).rejects.toThrow(
      'queue depth: account "NO_SUCH_ACCOUNT" not found',
    );
    await expect(fetchQueueDepth(target)).rejects.toThrow(
      `queue depth: stream "${options.stream}" not found`,
    );
    const nc = await connect({ servers: server.url });
    cleanups.push(() => nc.close());
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: options.stream, subjects: [`${options.stream}.>`] });
    await expect(fetchQueueDepth(target)).rejects.toThrow(
      `queue depth: consumer "${options.consumerGroup}" not found in stream "${options.stream}"`,
    );
    const broker = await open(options);
    await broker.provision();
    await broker.publish(testMessage());
    await expect(fetchQueueDepth(target)).resolves.toEqual({ pending: 1, ackPending: 0, total: 1 });
  });

  it("reports an unreachable monitoring endpoint with its URL", async () => {
    const port = await freePort();
    await expect(
      fetchQueueDepth({ monitorUrl: `http://127.0.0.1:${port}`, account: "$G", stream: "s", consumer: "c" }),
    ).rejects.toThrow(`queue depth: cannot reach http://127.0.0.1:${port}/jsz?acc=%24G`);
  });

  it("does not retry bad credentials and never prints the password", async () => {
    const server = await startServer({ extraConfig: "authorization { user: app, password: s3cr3t-pw }" });
    const wrong = natsOptions(server, { username: "app", password: "wrong-pw-123", connectRetries: 10 });
    const error = await NatsBroker.connect(wrong).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/after 1 attempt\(s\): Authorization Violation/);
    expect(error?.message).not.toContain("wrong-pw-123");
    const right = await open(natsOptions(server, { username: "app", password: "s3cr3t-pw" }));
    await right.provision();
    expect((await right.queueDepth()).total).toBe(0);
  });
});
