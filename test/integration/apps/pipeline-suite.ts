/**
 * The app-level integration suite, parameterized by broker: real broker, real producer and
 * consumer processes (`node dist/apps/.../main.js`, run `npm run build` first). Each broker's test
 * file calls `describePipelineSuite` with a function that starts a fresh broker per test.
 *
 * Every test prints one line of counts: attempted, acknowledged, processed, lost, duplicate
 * deliveries, duplicate effects.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectBroker } from "../../../src/broker/index.js";
import type { ConsumerSummary } from "../../../src/apps/consumer/consumer.js";
import { loadProducerConfig } from "../../../src/apps/producer/config.js";
import type { ProducerSummary } from "../../../src/apps/producer/producer.js";
import { createEnvelope, encodeEnvelope } from "../../../src/runtime/envelope.js";
import { AppProcess } from "../../support/app-process.js";
import { streamMessages } from "../../support/jsz.js";
import { waitFor } from "../../support/poll.js";
import { auditSink, countEffects, effectDeliveryCounts, type SinkAudit } from "../../support/sink-audit.js";

/** A fresh broker for one test. */
export interface BrokerUnderTest {
  /** What the apps need to reach it: BROKER, BROKER_URL, BROKER_MONITOR_URL, BROKER_ACCOUNT, credentials. */
  readonly env: Record<string, string>;
  readonly capabilities: {
    /** The broker drops a second publish of the same id (stream duplicates must then be 0). */
    readonly dedup: boolean;
  };
  /** The server process, for the broker crash test (skipped without it). */
  readonly server?: {
    kill(signal?: NodeJS.Signals): Promise<void>;
    startAgain(): Promise<void>;
  };
  stop(): Promise<void>;
}

export type StartBroker = () => Promise<BrokerUnderTest>;

interface Counts {
  attempted: number;
  acknowledged: number;
  processed: number;
  lost: number;
  duplicateDeliveries: number;
  duplicateEffects: number;
  [extra: string]: number;
}

function report(kind: string, test: string, counts: Counts): void {
  const line = Object.entries(counts)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  console.log(`[${kind}] ${test}: ${line}`);
}

function summaryOf<T>(app: AppProcess, msg: string): T {
  const line = app.lastLog(msg);
  if (!line)
    throw new Error(`${app.name} logged no "${msg}" line:\n${app.stderr}\n${app.stdout.slice(-3000)}`);
  return line as unknown as T;
}

const producerSummary = (app: AppProcess) => summaryOf<ProducerSummary>(app, "producer stopped");
const consumerSummary = (app: AppProcess) => summaryOf<ConsumerSummary>(app, "consumer stopped");

export function describePipelineSuite(kind: string, startBroker: StartBroker): void {
  describe(`event pipeline apps on ${kind}`, { timeout: 120_000 }, () => {
    let broker: BrokerUnderTest;
    let sinkDir: string;

    beforeEach(async () => {
      broker = await startBroker();
      sinkDir = await mkdtemp(join(tmpdir(), "effects-"));
    });

    afterEach(async () => {
      await AppProcess.killAll();
      await broker.stop();
      await rm(sinkDir, { recursive: true, force: true });
    });

    /** Env of an app: the broker's plus test settings. */
    const env = (extra: Record<string, string | number> = {}): Record<string, string> => ({
      ...broker.env,
      ACK_WAIT_MS: "5000",
      MAX_DELIVERIES: "5",
      RETRY_DELAY_MS: "200",
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])),
    });

    /**
     * Memphis cannot extend an ack deadline, so its contract refuses WORK_TIME_MS above half of
     * ACK_WAIT_MS: a consumer that works that long on Memphis gets an ack wait that covers it.
     */
    const workingFor = (workTimeMs: number): Record<string, number> => ({
      WORK_TIME_MS: workTimeMs,
      ...(kind === "memphis" ? { ACK_WAIT_MS: 2 * workTimeMs } : {}),
    });

    const producer = (extra: Record<string, string | number>, name = "producer") =>
      AppProcess.start("producer", env({ MAX_IN_FLIGHT: 64, ...extra }), name);

    const consumer = (extra: Record<string, string | number> = {}, name = "consumer") =>
      AppProcess.start("consumer", env({ SINK_DIR: sinkDir, ...extra }), name);

    /** Run a producer for `count` messages to completion; returns its summary. */
    async function produce(count: number, rate: number): Promise<ProducerSummary> {
      const p = await producer({ RATE_PER_SECOND: rate, MESSAGE_LIMIT: count });
      const exit = await p.exited;
      expect(exit.code, p.stderr).toBe(0);
      const summary = producerSummary(p);
      expect(summary.created).toBe(count);
      expect(summary.failed).toBe(0);
      return summary;
    }

    /** SIGTERM a consumer, expect exit 0, return its summary. */
    async function stopConsumer(c: AppProcess): Promise<ConsumerSummary> {
      const exit = await c.kill("SIGTERM");
      expect(exit.code, c.stderr).toBe(0);
      return consumerSummary(c);
    }

    /** Publish raw bytes through the broker port (for poison and malformed messages). */
    async function injectRaw(messages: readonly { id: string; data: Uint8Array }[]): Promise<void> {
      const options = loadProducerConfig({ ...env(), RATE_PER_SECOND: "0", INSTANCE_ID: "injector" }).common
        .broker;
      const port = await connectBroker(options);
      try {
        await port.provision();
        for (const message of messages) await port.publish(message);
      } finally {
        await port.close();
      }
    }

    /**
     * Audit the effect sink against what was acknowledged, print the counts line, and require
     * lost 0 and duplicate effects 0. Returns the audit for further checks.
     */
    async function auditAndReport(
      test: string,
      run: {
        readonly attempted: number;
        readonly acknowledged: number;
        /** Messages whose effect must be in the sink. @default acknowledged */
        readonly expectedEffects?: number;
        /** Summaries of the consumers that stopped cleanly (their duplicate deliveries are counted). */
        readonly consumers: readonly ConsumerSummary[];
        readonly extra?: Record<string, number>;
      },
    ): Promise<SinkAudit> {
      const audit = await auditSink(sinkDir);
      const counts: Counts = {
        attempted: run.attempted,
        acknowledged: run.acknowledged,
        processed: audit.applied.size,
        lost: (run.expectedEffects ?? run.acknowledged) - audit.applied.size,
        duplicateDeliveries: run.consumers.reduce((sum, summary) => sum + summary.duplicate, 0),
        duplicateEffects: audit.duplicateEffects,
        ...run.extra,
      };
      report(kind, test, counts);
      expect(counts.lost).toBe(0);
      expect(counts.duplicateEffects).toBe(0);
      return audit;
    }

    it("round trip: every published message is processed once; one consumer's throughput", async () => {
      const count = 3000;
      const published = await produce(count, 2000);
      const acknowledged = published.stored + published.duplicates;
      const c = await consumer({ CONCURRENCY: 1, BATCH_SIZE: 100 });
      await c.waitReady();
      const started = performance.now();
      await waitFor(`${count} effects`, async () => (await countEffects(sinkDir)) >= count, {
        timeoutMs: 90_000,
      });
      const seconds = (performance.now() - started) / 1000;
      const metrics = await c.metrics();
      expect(metrics.value("consumer_messages_total", { outcome: "processed", app: "consumer" })).toBe(count);
      expect(metrics.has("broker_queue_depth_messages")).toBe(true);
      expect(metrics.has("process_cpu_user_seconds_total")).toBe(true);
      const summary = await stopConsumer(c);
      await auditAndReport("round trip", {
        attempted: published.created,
        acknowledged,
        consumers: [summary],
        extra: { consumerMsgPerSec: Math.round(count / seconds) },
      });
      expect(await streamMessages(env().BROKER_MONITOR_URL!, env().BROKER_ACCOUNT!, "events")).toBe(count);
    });

    it("SIGTERM drains: in-flight slow messages finish, the process exits 0 within DRAIN_TIMEOUT_MS", async () => {
      const count = 12;
      const published = await produce(count, 1000);
      const drainTimeoutMs = 15_000;
      const a = await consumer(
        { CONCURRENCY: 4, BATCH_SIZE: 4, ...workingFor(3000), DRAIN_TIMEOUT_MS: drainTimeoutMs },
        "a",
      );
      await a.waitReady();
      await waitFor(
        "4 messages in flight",
        async () => (await a.metrics()).value("consumer_in_flight_messages") === 4,
      );
      const signalledAt = performance.now();
      a.signal("SIGTERM");
      await waitFor("readiness false", async () => (await a.readyStatus().catch(() => 503)) === 503, {
        intervalMs: 20,
      });
      const exit = await a.exited;
      const drainMs = performance.now() - signalledAt;
      expect(exit.code, a.stderr).toBe(0);
      expect(drainMs).toBeLessThan(drainTimeoutMs);
      const first = consumerSummary(a);
      expect(first.processed).toBe(4); // the in-flight ones finished; nothing more was pulled
      expect(first.handed_back).toBe(0);
      const b = await consumer({ CONCURRENCY: 4 }, "b");
      await waitFor(`${count} effects`, async () => (await countEffects(sinkDir)) >= count);
      const second = await stopConsumer(b);
      await auditAndReport("SIGTERM drain", {
        attempted: published.created,
        acknowledged: published.stored,
        consumers: [first, second],
        extra: { drainMs: Math.round(drainMs) },
      });
    });

    it("SIGTERM hands back work longer than the drain timeout, which another consumer then processes", async () => {
      const count = 6;
      const published = await produce(count, 1000);
      // above the NATS adapter's pull expiry (5 s, which its subscription stop may wait for) plus the reserve
      const drainTimeoutMs = 12_000;
      const a = await consumer(
        { CONCURRENCY: 2, BATCH_SIZE: 2, ...workingFor(60_000), DRAIN_TIMEOUT_MS: drainTimeoutMs },
        "a",
      );
      await a.waitReady();
      await waitFor(
        "2 messages in flight",
        async () => (await a.metrics()).value("consumer_in_flight_messages") === 2,
      );
      const signalledAt = performance.now();
      const exit = await a.kill("SIGTERM");
      const drainMs = performance.now() - signalledAt;
      expect(exit.code, a.stderr).toBe(0);
      expect(drainMs).toBeLessThan(drainTimeoutMs);
      const first = consumerSummary(a);
      expect(first.handed_back).toBe(2);
      const b = await consumer({ CONCURRENCY: 2 }, "b");
      await waitFor(`${count} effects`, async () => (await countEffects(sinkDir)) >= count);
      const second = await stopConsumer(b);
      const audit = await auditAndReport("SIGTERM hand-back", {
        attempted: published.created,
        acknowledged: published.stored,
        consumers: [second],
        extra: { drainMs: Math.round(drainMs) },
      });
      expect(audit.appliesByInstance.b).toBe(count);
    });

    it("consumer SIGKILL mid-batch: its unacked messages go to a second consumer after AckWait", async () => {
      const count = 60;
      const published = await produce(count, 1000);
      const ackWait = 3000;
      const a = await consumer({ ACK_WAIT_MS: ackWait, BATCH_SIZE: 10, WORK_TIME_MS: 100 }, "a");
      await waitFor("a applied 5", async () => (await auditSink(sinkDir)).appliesByInstance.a! >= 5);
      await a.kill("SIGKILL");
      const b = await consumer({ ACK_WAIT_MS: ackWait, BATCH_SIZE: 10, CONCURRENCY: 4 }, "b");
      await waitFor(`${count} effects`, async () => (await countEffects(sinkDir)) >= count, {
        timeoutMs: 60_000,
      });
      const second = await stopConsumer(b);
      const redelivered = (await effectDeliveryCounts(sinkDir)).filter((n) => n > 1).length;
      await auditAndReport("consumer SIGKILL", {
        attempted: published.created,
        acknowledged: published.stored,
        consumers: [second],
        extra: { redelivered },
      });
      // the killed consumer held a batch: some of b's effects are redeliveries
      expect(redelivered).toBeGreaterThan(0);
    });

    it("broker SIGKILL + restart mid-publish: the producer retries the same ids, nothing lost or stored twice", async (context) => {
      const server = broker.server;
      if (!server) {
        context.skip();
        return;
      }
      const count = 1500;
      const c = await consumer({ CONCURRENCY: 4, BATCH_SIZE: 50 }, "c");
      await c.waitReady();
      const p = await producer({ RATE_PER_SECOND: 200, MESSAGE_LIMIT: count });
      await waitFor(
        "300 published",
        async () => (await p.metrics()).value("producer_messages_published_total") >= 300,
        { intervalMs: 50 },
      );
      await server.kill("SIGKILL");
      await waitFor("producer sees failures", async () => {
        const m = await p.metrics();
        return m.value("producer_publish_failures_total") > 0 || m.value("producer_publish_in_flight") > 0;
      });
      await waitFor(
        "consumer not ready while the broker is down",
        async () => (await c.readyStatus()) === 503,
      );
      await server.startAgain();
      await waitFor("consumer ready again after reconnecting", async () => (await c.readyStatus()) === 200, {
        timeoutMs: 30_000,
      });
      const exit = await p.exited;
      expect(exit.code, p.stderr).toBe(0);
      const published = producerSummary(p);
      expect(published.failed).toBe(0);
      const acknowledged = published.stored + published.duplicates;
      expect(acknowledged).toBe(count);
      await waitFor(`${count} effects`, async () => (await countEffects(sinkDir)) >= count, {
        timeoutMs: 60_000,
      });
      const summary = await stopConsumer(c);
      const stored = await streamMessages(env().BROKER_MONITOR_URL!, env().BROKER_ACCOUNT!, "events");
      await auditAndReport("broker SIGKILL + restart", {
        attempted: published.created,
        acknowledged,
        expectedEffects: count,
        consumers: [summary],
        extra: { streamDuplicates: stored - count, publishRetriedDuplicates: published.duplicates },
      });
      if (broker.capabilities.dedup) expect(stored - count).toBe(0);
    });

    it("consumer SIGSTOP past AckWait, then SIGCONT: duplicate deliveries possible, duplicate effects 0", async () => {
      const count = 100;
      const published = await produce(count, 1000);
      const ackWait = 2000;
      const settings = { ACK_WAIT_MS: ackWait, BATCH_SIZE: 10, WORK_TIME_MS: 50 };
      const a = await consumer(settings, "a");
      await waitFor("a applied 5", async () => (await auditSink(sinkDir)).appliesByInstance.a! >= 5);
      a.signal("SIGSTOP");
      const b = await consumer(settings, "b");
      // b gets a's unacked batch once AckWait has passed
      await waitFor(
        "a redelivery applied by b",
        async () => (await effectDeliveryCounts(sinkDir)).some((n) => n > 1),
        {
          timeoutMs: 60_000,
        },
      );
      a.signal("SIGCONT");
      await waitFor(`${count} effects`, async () => (await countEffects(sinkDir)) >= count, {
        timeoutMs: 60_000,
      });
      const [first, second] = await Promise.all([stopConsumer(a), stopConsumer(b)]);
      await auditAndReport("consumer SIGSTOP/SIGCONT", {
        attempted: published.created,
        acknowledged: published.stored,
        consumers: [first, second],
      });
    });

    it("poison and malformed messages are dead-lettered with their reason; the rest keep flowing", async () => {
      const maxDeliveries = 3;
      const poison = createEnvelope({ seq: 1, producer: "test", payload: { poison: true } });
      await injectRaw([
        { id: poison.id, data: encodeEnvelope(poison) },
        { id: "malformed-1", data: new TextEncoder().encode('{"not":"an envelope"') },
      ]);
      const count = 100;
      const c = await consumer({ MAX_DELIVERIES: maxDeliveries, RETRY_DELAY_MS: 100, CONCURRENCY: 2 }, "c");
      const published = await produce(count, 500);
      await waitFor("both dead-lettered and all others processed", async () => {
        const m = await c.metrics();
        return (
          m.value("consumer_dead_lettered_total", { reason: "poison" }) === 1 &&
          m.value("consumer_dead_lettered_total", { reason: "malformed" }) === 1 &&
          (await countEffects(sinkDir)) >= count
        );
      });
      const metrics = await c.metrics();
      expect(metrics.value("consumer_messages_total", { outcome: "retried" })).toBe(maxDeliveries - 1);
      expect(metrics.value("consumer_messages_total", { outcome: "dead_lettered" })).toBe(2);
      const deadLetters = await waitFor("2 dead letters stored", async () => {
        const n = await streamMessages(env().BROKER_MONITOR_URL!, env().BROKER_ACCOUNT!, "events-dlq");
        return n >= 2 ? n : undefined;
      });
      expect(deadLetters).toBe(2);
      const logs = c.logs().filter((l) => l.msg === "message dead-lettered");
      expect(logs.map((l) => String(l.reason).split(":")[0]).sort()).toEqual(["malformed", "poison"]);
      const summary = await stopConsumer(c);
      const audit = await auditAndReport("poison + malformed", {
        attempted: published.created + 2,
        acknowledged: published.stored + 2,
        expectedEffects: published.stored,
        consumers: [summary],
        extra: { deadLettered: summary.dead_lettered },
      });
      expect(audit.applied.has(poison.id)).toBe(false);
    });

    it("--provision-only creates the stream and the durable group, never consumes, exits 0", async () => {
      const job = await AppProcess.start("consumer", env({ SINK_DIR: sinkDir }), "provisioner", [
        "--provision-only",
      ]);
      const exit = await job.exited;
      expect(exit.code, job.stderr).toBe(0);
      expect(job.lastLog("provisioned; exiting (--provision-only)")).toBeDefined();
      // The group exists with no consumer running: what is published now stays pending in it,
      // which is what KEDA reads at zero replicas. This port never provisions.
      const options = loadProducerConfig({ ...env(), RATE_PER_SECOND: "0", INSTANCE_ID: "checker" }).common
        .broker;
      const port = await connectBroker(options);
      try {
        for (let seq = 1; seq <= 3; seq++) {
          const envelope = createEnvelope({ seq, producer: "checker", payload: {} });
          await port.publish({ id: envelope.id, data: encodeEnvelope(envelope) });
        }
        const depth = await waitFor(
          "3 messages pending in the provisioned group",
          async () => {
            const d = await port.queueDepth();
            return d.pending === 3 ? d : undefined;
          },
          { timeoutMs: 15_000 },
        );
        expect(depth).toEqual({ pending: 3, ackPending: 0, total: 3 });
      } finally {
        await port.close();
      }
      expect(await countEffects(sinkDir)).toBe(0);
      report(kind, "provision-only", {
        attempted: 3,
        acknowledged: 3,
        processed: 0,
        lost: 0,
        duplicateDeliveries: 0,
        duplicateEffects: 0,
      });
    });

    it("bad configuration: exits non-zero at once, lists every bad variable, never prints a secret", async () => {
      const secret = "hunter2-very-secret";
      const bad = {
        ...broker.env,
        BROKER: "kafka",
        BROKER_USERNAME: "someone",
        BROKER_PASSWORD: secret,
        BROKER_TOKEN: secret,
        MAX_DELIVERIES: "11",
        ACK_WAIT_MS: "soon",
      };
      const p = await AppProcess.start("producer", {
        ...bad,
        RATE_PER_SECOND: "-1",
        LOAD_PROFILE: "sawtooth:3",
      });
      const c = await AppProcess.start("consumer", { ...bad, CONCURRENCY: "0", DRAIN_TIMEOUT_MS: "" });
      const [pe, ce] = await Promise.all([p.exited, c.exited]);
      for (const [app, exit, names] of [
        [p, pe, ["BROKER", "MAX_DELIVERIES", "ACK_WAIT_MS", "RATE_PER_SECOND", "LOAD_PROFILE"]],
        [c, ce, ["BROKER", "MAX_DELIVERIES", "ACK_WAIT_MS", "CONCURRENCY", "DRAIN_TIMEOUT_MS"]],
      ] as const) {
        expect(exit.code, app.stdout).toBe(2);
        expect(exit.atMs).toBeLessThan(20_000);
        for (const name of names) expect(app.stderr).toMatch(new RegExp(`^\\s+${name}: `, "m"));
        expect(app.stderr + app.stdout).not.toContain(secret);
      }
      report(kind, "bad configuration", {
        attempted: 0,
        acknowledged: 0,
        processed: 0,
        lost: 0,
        duplicateDeliveries: 0,
        duplicateEffects: 0,
      });
    });
  });
}
