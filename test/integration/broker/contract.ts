/**
 * The broker contract: what every adapter of the broker port must do, run against a real broker.
 *
 * Usage (one file per adapter):
 *   describeBrokerContract("nats", async () => ({ options, capabilities, readDeadLetters, teardown }));
 *
 * Every test works on its own stream, dead-letter stream and consumer group (the base names with a
 * unique suffix, see `isolate`), so tests never see each other's messages.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BROKER_DEFAULTS } from "../../../src/broker/defaults.js";
import { connectBroker } from "../../../src/broker/index.js";
import type { BrokerOptions } from "../../../src/broker/options.js";
import type { Broker, BrokerKind, DeliveredMessage, Subscription } from "../../../src/broker/port.js";
import { bodyId, pollUntil, publishAll, Puller, testMessage, type DeadLetter } from "./helpers.js";

/** What an adapter can do; tests of a missing capability are skipped, not weakened. */
export interface BrokerCapabilities {
  /** A re-published id inside the dedup window is reported as duplicate and not stored again. */
  readonly dedup: boolean;
  /** `inProgress()` extends the ack deadline. */
  readonly inProgress: boolean;
}

/** What a contract run needs from the adapter's test file. */
export interface BrokerContractSetup {
  /** Base options against the running broker; names get a unique suffix per test. */
  readonly options: BrokerOptions;
  /** @default { dedup: true, inProgress: true } */
  readonly capabilities?: BrokerCapabilities;
  /** Options for a test: base options with unique names and test overrides. @default suffixed names */
  readonly isolate?: (
    base: BrokerOptions,
    suffix: string,
    overrides: Partial<BrokerOptions>,
  ) => BrokerOptions;
  /** Delete the durable consumer group of `options` behind the adapter's back (that test is skipped without it). */
  readonly deleteConsumerGroup?: (options: BrokerOptions) => Promise<void>;
  /** Pull requests waiting at the broker for the group of `options` (JetStream's `num_waiting`). */
  readonly waitingPulls: (options: BrokerOptions) => Promise<number>;
  /** Everything currently on the dead-letter stream of `options` (the DLQ test is skipped without it). */
  readonly readDeadLetters?: (options: BrokerOptions) => Promise<DeadLetter[]>;
  readonly teardown: () => Promise<void>;
}

function defaultIsolate(
  base: BrokerOptions,
  suffix: string,
  overrides: Partial<BrokerOptions>,
): BrokerOptions {
  return {
    ...base,
    stream: `${base.stream}-${suffix}`,
    deadLetterStream: `${base.deadLetterStream}-${suffix}`,
    consumerGroup: `${base.consumerGroup}-${suffix}`,
    ...overrides,
  };
}

/** Options of `describeBrokerContract` known before the broker starts (they name the tests). */
export interface BrokerContractOptions {
  /**
   * The broker's control plane is a test stand-in (Memphis): the tests whose outcome is its work —
   * creating streams and durables, re-creating a deleted group, storing dead letters with their
   * reason — say "against the stand-in" in their titles, since they prove the stand-in as much as
   * the adapter (docs/memphis-stand-in.md).
   * @default false
   */
  readonly controlPlaneStandIn?: boolean;
}

export function describeBrokerContract(
  kind: BrokerKind,
  setup: () => Promise<BrokerContractSetup>,
  contract: BrokerContractOptions = {},
): void {
  /** A title, marked when what it asserts is done by the stand-in's control plane. */
  const byControlPlane = (title: string): string =>
    contract.controlPlaneStandIn ? `${title} (against the stand-in)` : title;
  describe(`broker contract: ${kind}`, () => {
    let env: BrokerContractSetup;
    let counter = 0;
    const cleanups: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      env = await setup();
    });
    afterAll(async () => {
      await env?.teardown();
    });
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
    });

    const capabilities = (): BrokerCapabilities => env.capabilities ?? { dedup: true, inProgress: true };

    /** Fresh names for this test. */
    function optionsFor(overrides: Partial<BrokerOptions> = {}): BrokerOptions {
      counter++;
      const suffix = `t${counter}${Date.now().toString(36)}`;
      return (env.isolate ?? defaultIsolate)(env.options, suffix, overrides);
    }

    async function open(options: BrokerOptions): Promise<Broker> {
      const broker = await connectBroker(options);
      cleanups.push(() => broker.close());
      return broker;
    }

    async function provisioned(
      overrides: Partial<BrokerOptions> = {},
    ): Promise<{ options: BrokerOptions; broker: Broker }> {
      const options = optionsFor(overrides);
      const broker = await open(options);
      await broker.provision();
      return { options, broker };
    }

    async function subscribe(broker: Broker, batchSize: number): Promise<Puller> {
      const subscription: Subscription = await broker.consume({ batchSize });
      cleanups.push(() => subscription.stop());
      return new Puller(subscription);
    }

    it(
      byControlPlane(
        "provisions idempotently: twice, then from two connections at once, with no consumer running",
      ),
      async () => {
        const options = optionsFor();
        const first = await open(options);
        await first.provision();
        await first.provision();
        const second = await open(options);
        await Promise.all([first.provision(), second.provision()]);
        const depth = await pollUntil("queue depth of an empty group", () => first.queueDepth());
        expect(depth).toEqual({ pending: 0, ackPending: 0, total: 0 });
      },
    );

    it("reports a missing consumer group clearly from queueDepth", async () => {
      const options = optionsFor();
      const broker = await open(options);
      await expect(broker.queueDepth()).rejects.toThrow(/not found/);
    });

    it("round-trips 1000 messages with none lost", async () => {
      const { broker } = await provisioned();
      const messages = Array.from({ length: 1000 }, () => testMessage());
      const acks = await publishAll(broker, messages);
      expect(acks.filter((a) => a.duplicate)).toHaveLength(0);
      // each ack is the stored message's stream sequence, read from the broker's reply
      expect(new Set(acks.map((a) => a.sequence)).size).toBe(messages.length);
      expect(Math.min(...acks.map((a) => a.sequence))).toBeGreaterThan(0);
      const sent = new Set(messages.map((m) => m.id));
      const received = new Set<string>();
      const puller = await subscribe(broker, 100);
      await puller.until(
        "1000 messages",
        async (message) => {
          expect(message.id).toBeDefined();
          expect(bodyId(message)).toBe(message.id);
          received.add(message.id!);
          await message.ack();
        },
        () => received.size >= sent.size,
        45_000,
      );
      expect([...sent].filter((id) => !received.has(id))).toEqual([]);
      expect([...received].filter((id) => !sent.has(id))).toEqual([]);
      await pollUntil("queue drained", async () =>
        (await broker.queueDepth()).total === 0 ? true : undefined,
      );
    });

    it("deduplicates a re-published id", async (ctx) => {
      if (!capabilities().dedup) ctx.skip();
      const { broker } = await provisioned();
      const message = testMessage();
      const first = await broker.publish(message);
      const again = await broker.publish(message);
      expect(first.duplicate).toBe(false);
      expect(again.duplicate).toBe(true);
      expect(first.sequence).toBeGreaterThan(0);
      expect(again.sequence).toBe(first.sequence);
      const marker = testMessage();
      await broker.publish(marker);
      const seen: string[] = [];
      const puller = await subscribe(broker, 10);
      await puller.until(
        "the marker",
        async (m) => {
          seen.push(m.id!);
          await m.ack();
        },
        () => seen.includes(marker.id),
      );
      expect(seen.filter((id) => id === message.id)).toHaveLength(1);
    });

    it("redelivers after retryLater with deliveryCount 2", async () => {
      const { options, broker } = await provisioned();
      const message = testMessage();
      await broker.publish(message);
      const puller = await subscribe(broker, 1);
      const first = await pollUntil("first delivery", () => puller.next(1_000));
      expect(first.id).toBe(message.id);
      expect(first.deliveryCount).toBe(1);
      expect(first.maxDeliveries).toBe(options.maxDeliveries);
      await first.retryLater(200);
      const second = await pollUntil("redelivery", () => puller.next(1_000));
      expect(second.id).toBe(message.id);
      expect(second.deliveryCount).toBe(2);
      await second.ack();
      await pollUntil("queue drained", async () =>
        (await broker.queueDepth()).total === 0 ? true : undefined,
      );
    });

    it(
      byControlPlane("dead-letters with reason and original headers, and does not redeliver"),
      async (ctx) => {
        if (!env.readDeadLetters) ctx.skip();
        const ackWaitMs = 1_500;
        const { options, broker } = await provisioned({ ackWaitMs });
        const message = testMessage({ "X-Trace-Id": "trace-42" });
        await broker.publish(message);
        const puller = await subscribe(broker, 1);
        const delivered = await pollUntil("delivery", () => puller.next(1_000));
        expect(delivered.id).toBe(message.id);
        await delivered.deadLetter("poison");
        const letters = await pollUntil("the dead letter", async () => {
          const all = await env.readDeadLetters!(options);
          return all.length > 0 ? all : undefined;
        });
        expect(letters).toHaveLength(1);
        const letter = letters[0]!;
        expect(letter.reason).toBe("poison");
        expect(letter.headers["X-Trace-Id"]).toBe("trace-42");
        expect(bodyId(letter)).toBe(message.id);
        // Absence has no event: wait past two ack waits and check nothing came back.
        const redelivered = await puller.next(ackWaitMs * 2 + 1_000);
        expect(redelivered).toBeUndefined();
        await pollUntil("queue drained", async () =>
          (await broker.queueDepth()).total === 0 ? true : undefined,
        );
      },
    );

    it("keeps a message past ack wait while inProgress() is called", async (ctx) => {
      if (!capabilities().inProgress) ctx.skip();
      const ackWaitMs = 1_500;
      const { broker } = await provisioned({ ackWaitMs });
      const message = testMessage();
      await broker.publish(message);
      const puller = await subscribe(broker, 1);
      const delivered = await pollUntil("delivery", () => puller.next(1_000));
      expect(delivered.deliveryCount).toBe(1);
      // Work for three ack waits, heartbeating; meanwhile ask for the next message.
      const workUntil = Date.now() + ackWaitMs * 3;
      let early: DeliveredMessage | undefined;
      while (Date.now() < workUntil && !early) {
        delivered.inProgress();
        early = await puller.next(ackWaitMs / 4);
      }
      expect(early?.id, "redelivered while in progress").toBeUndefined();
      await delivered.ack();
      const marker = testMessage();
      await broker.publish(marker);
      const next = await pollUntil("the marker", () => puller.next(1_000));
      expect(next.id).toBe(marker.id);
      await next.ack();
    });

    it("hands back buffered messages on stop(): another subscription gets them well before ack wait", async () => {
      const { options, broker } = await provisioned({ ackWaitMs: 60_000 });
      const messages = Array.from({ length: 40 }, () => testMessage());
      await publishAll(broker, messages);
      const first = await subscribe(broker, 40);
      const taken = await pollUntil("a first message", () => first.next(1_000));
      await taken.ack();
      await first.subscription.stop();
      expect(await first.next(2_000)).toBeUndefined();

      const other = await open(options);
      const second = await subscribe(other, 40);
      const expected = new Set(messages.map((m) => m.id).filter((id) => id !== taken.id));
      const received = new Set<string>();
      await second.until(
        "the handed-back messages",
        async (m) => {
          received.add(m.id!);
          await m.ack();
        },
        () => received.size >= expected.size,
        20_000, // a third of the ack wait: only a hand-back gets them here in time
      );
      expect([...expected].filter((id) => !received.has(id))).toEqual([]);
      expect(received.has(taken.id!)).toBe(false);
    });

    it("stops an idle subscription before its open pull expires; a later message goes to another subscription before AckWait", async () => {
      const { options, broker } = await provisioned({ ackWaitMs: 60_000 });
      const idle = await subscribe(broker, 10);
      // The caller waits for a message: a pull request is open at the broker.
      expect(await idle.next(200)).toBeUndefined();
      await pollUntil("the open pull request", async () =>
        (await env.waitingPulls(options)) > 0 ? true : undefined,
      );
      // Without ending the pull at once, stop() would wait for it to expire (BROKER_DEFAULTS.jetstream.pullExpiresMs
      // after it was sent); half of that is far more than the one round trip stop() needs.
      const expired = new Promise<"expired">((resolve) =>
        setTimeout(() => resolve("expired"), BROKER_DEFAULTS.jetstream.pullExpiresMs / 2),
      );
      await expect(Promise.race([idle.subscription.stop(), expired])).resolves.toBeUndefined();
      expect(await idle.next(100)).toBeUndefined();

      // The stopped session's request must not take this message (it would sit there until AckWait).
      const later = testMessage();
      await broker.publish(later);
      const other = await subscribe(await open(options), 10);
      const received: string[] = [];
      await other.until(
        "the message published after the stop",
        async (m) => {
          received.push(m.id!);
          await m.ack();
        },
        () => received.includes(later.id),
        20_000, // a third of the ack wait: only a message no stopped session holds arrives in time
      );
    });

    it("reports queue depth: pending before delivery, ackPending while unacknowledged, zero after ack", async () => {
      const { broker } = await provisioned({ ackWaitMs: 60_000 });
      await publishAll(
        broker,
        Array.from({ length: 10 }, () => testMessage()),
      );
      await pollUntil("10 pending", async () => {
        const d = await broker.queueDepth();
        return d.pending === 10 && d.ackPending === 0 && d.total === 10 ? d : undefined;
      });
      const puller = await subscribe(broker, 1);
      const one = await pollUntil("a delivery", () => puller.next(1_000));
      await pollUntil("9 pending + 1 ack pending", async () => {
        const d = await broker.queueDepth();
        return d.pending === 9 && d.ackPending === 1 && d.total === 10 ? d : undefined;
      });
      await one.ack();
      await pollUntil("9 pending after the ack", async () => {
        const d = await broker.queueDepth();
        return d.pending === 9 && d.ackPending === 0 && d.total === 9 ? d : undefined;
      });
      let acked = 1;
      await puller.until(
        "the rest",
        async (m) => {
          await m.ack();
          acked++;
        },
        () => acked >= 10,
      );
      await pollUntil("published minus acked = 0", async () => {
        const d = await broker.queueDepth();
        return d.total === 0 ? d : undefined;
      });
    });

    it(byControlPlane("resumes when the consumer group is deleted and provisioned again"), async (ctx) => {
      const deleteGroup = env.deleteConsumerGroup;
      if (!deleteGroup) return ctx.skip();
      const { options, broker } = await provisioned();
      const puller = await subscribe(broker, 10);
      const first = testMessage();
      await broker.publish(first);
      const m1 = await pollUntil("first delivery", () => puller.next(1_000));
      expect(m1.id).toBe(first.id);
      await m1.ack();
      await deleteGroup(options);
      await expect(broker.queueDepth()).rejects.toThrow(/not found/);
      await broker.provision(); // a new durable: it starts again from the beginning of the stream
      const second = testMessage();
      await broker.publish(second);
      const seen = new Set<string>();
      await puller.until(
        "delivery from the re-created group",
        async (m) => {
          seen.add(m.id!);
          await m.ack();
        },
        () => seen.has(second.id),
        30_000,
      );
    });

    it("close() leaves the durable consumer group in place", async () => {
      const { options, broker } = await provisioned();
      const puller = await subscribe(broker, 5);
      const message = testMessage();
      await broker.publish(message);
      const m = await pollUntil("delivery", () => puller.next(1_000));
      await m.ack();
      await broker.close();

      const later = await open(options);
      const left = testMessage();
      await later.publish(left);
      // The group still exists and still counts what was published while nobody consumed.
      await pollUntil("the group with 1 pending", async () => {
        const d = await later.queueDepth();
        return d.pending === 1 ? d : undefined;
      });
      const resumed = await subscribe(later, 5);
      const next = await pollUntil("delivery after reopen", () => resumed.next(1_000));
      expect(next.id).toBe(left.id);
      await next.ack();
    });
  });
}
