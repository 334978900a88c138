/**
 * The app-level integration suite, parameterized by broker: real broker, real producer and
 * consumer processes (`node dist/apps/.../main.js`, run `npm run build` first). Each broker's test
 * file calls `describePipelineSuite` with a function that starts a fresh broker per test.
 *
 * Every pipeline test prints one line of measured counts:
 * - attempted, acknowledged: the producer's summary;
 * - stored: distinct ids read back from the stream (storedTwice: stream entries beyond those);
 * - lost: stored ids (less dead-lettered ones) with no effect after a bounded wait, printed by id;
 * - duplicateDeliveries: attempts beyond the first per id, from the sink's attempts logs (written
 *   for every delivery the consumer starts processing, apart from the idempotent effect);
 * - duplicateEffects: applies beyond the first per id, from the sink's ledger of applies.
 * The fault tests also run against `SINK_EFFECT=ledger`, a deliberately non-idempotent effect, to
 * show that the duplicate-effect check sees a second apply when there is one.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connectBroker } from "../../../src/broker/index.js";
import type { FileSinkEffect } from "../../../src/apps/consumer/file-effect-sink.js";
import type { ConsumerSummary } from "../../../src/apps/consumer/consumer.js";
import { loadProducerConfig } from "../../../src/apps/producer/config.js";
import type { ProducerSummary } from "../../../src/apps/producer/producer.js";
import { createEnvelope, encodeEnvelope } from "../../../src/runtime/envelope.js";
import { AppProcess } from "../../support/app-process.js";
import type { GroupDepth } from "../../support/jetstream-readback.js";
import { TcpProxy } from "../../../testkit/tcp-proxy.js";
import { streamMessages } from "../../support/jsz.js";
import { waitFor } from "../../../testkit/poll.js";
import { auditSink, countEffects, type SinkAudit } from "../../support/sink-audit.js";

/** A fresh broker for one test. */
export interface BrokerUnderTest {
  /** What the apps need to reach it: BROKER, BROKER_URL, BROKER_MONITOR_URL, BROKER_ACCOUNT, credentials. */
  readonly env: Record<string, string>;
  readonly capabilities: {
    /** The broker drops a second publish of the same id (stream duplicates must then be 0). */
    readonly dedup: boolean;
    /** The adapter gives up confirming an ack after a timeout (else it waits for the server). */
    readonly ackConfirmationTimeout: boolean;
    /**
     * The client PINGs often enough to find a silent connection stale within a test (NATS:
     * BROKER_DEFAULTS.nats, ~15 s); memphis-dev keeps nats.js's 2 min interval and offers no option for it.
     */
    readonly detectsSilentPeer: boolean;
  };
  /** The id of every message stored in the stream `events`, one entry per stored message. */
  storedIds(): Promise<string[]>;
  /** The group `event-consumers`' depth from JetStream's consumer info (not from `/jsz`). */
  groupDepth(): Promise<GroupDepth>;
  /** BROKER_URL for a client endpoint on 127.0.0.1:`port` (a proxy in front of the broker). */
  urlFor(port: number): string;
  /** The server process, for the broker fault tests (skipped without it). */
  readonly server?: {
    /** Client port. */
    readonly port: number;
    /** For SIGSTOP / SIGCONT (a hung server). */
    readonly pid: number;
    kill(signal?: NodeJS.Signals): Promise<void>;
    startAgain(): Promise<void>;
  };
  stop(): Promise<void>;
}

export type StartBroker = () => Promise<BrokerUnderTest>;

/** The effects the fault tests run against: the real one, then the non-idempotent control. */
const FAULT_EFFECTS: readonly FileSinkEffect[] = ["idempotent", "ledger"];

function report(kind: string, test: string, counts: Record<string, number>): void {
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
     * Work for `workTimeMs`, on both brokers with the suite's ACK_WAIT_MS: a message in work longer
     * than that stays the consumer's through its in-progress heartbeats (on Memphis too: `+WPI`).
     */
    const workingFor = (workTimeMs: number): Record<string, number> => ({ WORK_TIME_MS: workTimeMs });

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

    /** Poll until every id in `expected` has an effect or `timeoutMs` passes; never throws. */
    async function awaitApplied(expected: ReadonlySet<string>, timeoutMs = 60_000): Promise<void> {
      await waitFor(
        `effects of ${expected.size} stored ids`,
        async () => {
          const applied = (await auditSink(sinkDir)).applied;
          return [...expected].every((id) => applied.has(id));
        },
        { timeoutMs },
      ).catch(() => undefined); // what is still missing is reported by id below
    }

    /** `instance` applied at least `applies` and is working on a message it has not applied yet. */
    async function appliedAndInWork(instance: string, applies: number): Promise<boolean> {
      const audit = await auditSink(sinkDir);
      const attempted = audit.attemptedByInstance.get(instance) ?? [];
      return (
        (audit.appliesByInstance[instance] ?? 0) >= applies && attempted.some((id) => !audit.applied.has(id))
      );
    }

    /** The audit of one run, with the stream's ids and the counts it printed. */
    interface RunAudit {
      readonly audit: SinkAudit;
      readonly storedIds: readonly string[];
      readonly counts: Readonly<Record<string, number>>;
      /** Summaries of the consumers `auditAndReport` stopped, in order. */
      readonly summaries: readonly ConsumerSummary[];
    }

    /**
     * Read the ids the stream stored, wait (bounded) until every one of them not dead-lettered has an
     * effect, SIGTERM the running consumers, then audit the sink: print the counts line and require
     * no lost id (the missing ones are named), no effect of an id never stored, and (with the
     * idempotent effect) no duplicate effect.
     */
    async function auditAndReport(
      test: string,
      run: {
        readonly attempted: number;
        readonly acknowledged: number;
        /** Consumers still running: stopped (SIGTERM, exit 0) once the wait is over. */
        readonly running: readonly AppProcess[];
        /** Stored ids that are dead-lettered, not applied. */
        readonly deadLettered?: ReadonlySet<string>;
        /** @default "idempotent" */
        readonly effect?: FileSinkEffect;
        readonly extra?: Record<string, number>;
      },
    ): Promise<RunAudit> {
      const storedIds = await broker.storedIds();
      const stored = new Set(storedIds);
      const expected = new Set([...stored].filter((id) => !run.deadLettered?.has(id)));
      await awaitApplied(expected);
      const summaries: ConsumerSummary[] = [];
      for (const c of run.running) summaries.push(await stopConsumer(c));
      const audit = await auditSink(sinkDir);
      const lost = [...expected].filter((id) => !audit.applied.has(id));
      const neverStored = [...audit.applied].filter((id) => !stored.has(id));
      const counts = {
        attempted: run.attempted,
        acknowledged: run.acknowledged,
        stored: stored.size,
        storedTwice: storedIds.length - stored.size,
        processed: audit.applied.size,
        lost: lost.length,
        duplicateDeliveries: audit.duplicateDeliveries,
        redeliveredAttempts: audit.redeliveredAttempts,
        duplicateEffects: audit.duplicateEffects,
        ...run.extra,
      };
      report(kind, `${test}${run.effect === "ledger" ? " [ledger control]" : ""}`, counts);
      expect(lost, `lost ids (stored, never applied): ${lost.join(", ")}`).toEqual([]);
      expect(neverStored, "effects of ids the stream never stored").toEqual([]);
      if ((run.effect ?? "idempotent") === "idempotent") expect(counts.duplicateEffects).toBe(0);
      return { audit, storedIds, counts, summaries };
    }

    it("round trip: every published message is processed once; one consumer's throughput", async () => {
      const count = 3000;
      const published = await produce(count, 2000);
      const stored = new Set(await broker.storedIds());
      expect(stored.size).toBe(count);
      const c = await consumer({ CONCURRENCY: 1, BATCH_SIZE: 100 });
      await c.waitReady();
      const started = performance.now();
      await awaitApplied(stored, 90_000);
      const seconds = (performance.now() - started) / 1000;
      const metrics = await c.metrics();
      expect(metrics.value("consumer_messages_total", { outcome: "processed", app: "consumer" })).toBe(count);
      expect(metrics.has("broker_queue_depth_messages")).toBe(true);
      expect(metrics.has("process_cpu_user_seconds_total")).toBe(true);
      await auditAndReport("round trip", {
        attempted: published.created,
        acknowledged: published.stored + published.duplicates,
        running: [c],
        extra: { consumerMsgPerSec: Math.round(count / seconds) },
      });
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
      const { audit } = await auditAndReport("SIGTERM drain", {
        attempted: published.created,
        acknowledged: published.stored,
        running: [b],
        extra: { drainMs: Math.round(drainMs) },
      });
      // a drained cleanly: every message it took was acked, none came back
      expect(audit.duplicateDeliveries).toBe(0);
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
      const { audit } = await auditAndReport("SIGTERM hand-back", {
        attempted: published.created,
        acknowledged: published.stored,
        running: [b],
        extra: { drainMs: Math.round(drainMs) },
      });
      expect(audit.appliesByInstance.b).toBe(count);
      // the two handed back were attempted by a, then delivered again to b
      expect(audit.attemptedByInstance.get("a")).toHaveLength(2);
      expect(audit.duplicateDeliveries).toBe(2);
    });

    it("consumer SIGKILL mid-batch: the message in work and the rest of its batch go to a second consumer after AckWait", async () => {
      const count = 60;
      const published = await produce(count, 1000);
      const ackWait = 3000;
      const a = await consumer({ ACK_WAIT_MS: ackWait, BATCH_SIZE: 10, WORK_TIME_MS: 200 }, "a");
      await waitFor("a applied 5 and has the next in work", () => appliedAndInWork(a.name, 5), {
        intervalMs: 20,
      });
      await a.kill("SIGKILL");
      // a starts the next message as soon as it acked the last: the kill lands during a's work
      const atKill = await auditSink(sinkDir);
      const killedInWork = (atKill.attemptedByInstance.get("a") ?? []).filter(
        (id) => !atKill.applied.has(id),
      );
      expect(killedInWork.length).toBeGreaterThan(0);
      const b = await consumer({ ACK_WAIT_MS: ackWait, BATCH_SIZE: 10, CONCURRENCY: 4 }, "b");
      const { audit } = await auditAndReport("consumer SIGKILL", {
        attempted: published.created,
        acknowledged: published.stored,
        running: [b],
        extra: { killedInWork: killedInWork.length },
      });
      // the fault really duplicated deliveries: what a had in work, b got again, and applied once
      const attemptedByB = new Set(audit.attemptedByInstance.get("b"));
      for (const id of killedInWork) expect(attemptedByB.has(id), id).toBe(true);
      expect(audit.duplicateDeliveries).toBeGreaterThanOrEqual(killedInWork.length);
      // and the rest of a's batch came back marked as redeliveries
      expect(audit.redeliveredAttempts).toBeGreaterThan(killedInWork.length);
    });

    for (const effect of FAULT_EFFECTS) {
      it(`broker SIGKILL + restart mid-publish (${effect} effect): retries keep their ids; every stored id applied`, async (context) => {
        const server = broker.server;
        if (!server) {
          context.skip();
          return;
        }
        const count = 1500;
        const c = await consumer(
          { CONCURRENCY: 4, BATCH_SIZE: 50, WORK_TIME_MS: 10, SINK_EFFECT: effect },
          "c",
        );
        await c.waitReady();
        const p = await producer({ RATE_PER_SECOND: 200, MESSAGE_LIMIT: count });
        await waitFor(
          "300 published",
          async () => (await p.metrics()).value("producer_messages_published_total") >= 300,
          { intervalMs: 50 },
        );
        await waitFor(
          "the consumer has messages in work",
          async () => {
            return (await c.metrics()).value("consumer_in_flight_messages") > 0;
          },
          { intervalMs: 5 },
        );
        await server.kill("SIGKILL");
        await waitFor(
          "the producer's publishes fail",
          async () => (await p.metrics()).value("producer_publish_failures_total") > 0,
        );
        await waitFor(
          "consumer not ready while the broker is down",
          async () => (await c.readyStatus()) === 503,
        );
        await server.startAgain();
        await waitFor(
          "consumer ready again after reconnecting",
          async () => (await c.readyStatus()) === 200,
          {
            timeoutMs: 30_000,
          },
        );
        const exit = await p.exited;
        expect(exit.code, p.stderr).toBe(0);
        const published = producerSummary(p);
        expect(published.failed).toBe(0);
        const acknowledged = published.stored + published.duplicates;
        expect(acknowledged).toBe(count);
        const { storedIds, counts } = await auditAndReport("broker SIGKILL + restart", {
          attempted: published.created,
          acknowledged,
          running: [c],
          effect,
          extra: { publishRetriedDuplicates: published.duplicates },
        });
        // A retry under a new id would store more distinct ids than the producer created.
        expect(counts.stored).toBe(count);
        if (broker.capabilities.dedup) expect(storedIds.length, "stored twice").toBe(count);
        // The consumer had work in flight at the kill; its acks could not reach the dead server, so
        // those deliveries come again after the restart.
        expect(counts.duplicateDeliveries).toBeGreaterThan(0);
        if (effect === "ledger") expect(counts.duplicateEffects).toBe(counts.duplicateDeliveries);
      });
    }

    for (const effect of FAULT_EFFECTS) {
      it(`consumer SIGSTOP past AckWait, then SIGCONT (${effect} effect): what it had in work is delivered twice`, async () => {
        const count = 100;
        const published = await produce(count, 1000);
        const ackWait = 2000;
        const settings = { ACK_WAIT_MS: ackWait, BATCH_SIZE: 10, WORK_TIME_MS: 50, SINK_EFFECT: effect };
        const a = await consumer(settings, "a");
        await waitFor("a applied 5 and has the next in work", () => appliedAndInWork(a.name, 5), {
          intervalMs: 20,
        });
        a.signal("SIGSTOP");
        const atStop = await auditSink(sinkDir);
        const stoppedInWork = (atStop.attemptedByInstance.get("a") ?? []).filter(
          (id) => !atStop.applied.has(id),
        );
        expect(stoppedInWork.length).toBeGreaterThan(0);
        const b = await consumer(settings, "b");
        // b gets a's unacked batch once AckWait has passed
        await waitFor(
          "b applied what a had in work",
          async () => {
            const applied = (await auditSink(sinkDir)).applied;
            return stoppedInWork.every((id) => applied.has(id));
          },
          { timeoutMs: 60_000 },
        );
        a.signal("SIGCONT");
        const { counts } = await auditAndReport("consumer SIGSTOP/SIGCONT", {
          attempted: published.created,
          acknowledged: published.stored,
          running: [a, b],
          effect,
          extra: { stoppedInWork: stoppedInWork.length },
        });
        // the fault really duplicated deliveries: a finished its work after b had applied it
        expect(counts.duplicateDeliveries).toBeGreaterThanOrEqual(stoppedInWork.length);
        if (effect === "ledger") expect(counts.duplicateEffects).toBeGreaterThanOrEqual(stoppedInWork.length);
      });
    }

    it("hung broker (nats-server SIGSTOPped): publish acks and ack confirmations time out for real; after SIGCONT nothing is lost", async (context) => {
      const server = broker.server;
      if (!server) return context.skip();
      const count = 200;
      // 80 msg/s of capacity for 50 msg/s, with messages in work most of the time
      const c = await consumer({ CONCURRENCY: 8, BATCH_SIZE: 8, WORK_TIME_MS: 100 }, "c");
      await c.waitReady();
      const p = await producer({ RATE_PER_SECOND: 50, MESSAGE_LIMIT: count });
      await waitFor(
        "messages in work",
        async () => (await c.metrics()).value("consumer_in_flight_messages") > 0,
        { intervalMs: 5 },
      );
      process.kill(server.pid, "SIGSTOP");
      let resumed = false;
      let publishFailures = 0;
      try {
        // the process and its sockets live on, nothing answers: only timeouts can tell
        publishFailures = await waitFor(
          "the producer's publish acks time out",
          async () => (await p.metrics()).value("producer_publish_failures_total"),
          { timeoutMs: 30_000 },
        );
        if (broker.capabilities.ackConfirmationTimeout) {
          await waitFor(
            "an ack confirmation timing out",
            () => c.logs().some((l) => l.msg === "settling failed; the broker will redeliver"),
            { timeoutMs: 30_000 },
          );
        }
        process.kill(server.pid, "SIGCONT");
        resumed = true;
      } finally {
        if (!resumed) process.kill(server.pid, "SIGCONT");
      }
      const exit = await p.exited;
      expect(exit.code, p.stderr).toBe(0);
      const published = producerSummary(p);
      expect(published.failed).toBe(0);
      const unsettled = c.logs().filter((l) => l.msg === "settling failed; the broker will redeliver").length;
      await auditAndReport("hung broker (SIGSTOP/SIGCONT)", {
        attempted: published.created,
        acknowledged: published.stored + published.duplicates,
        running: [c],
        extra: { publishFailuresDuringHang: publishFailures, unsettledAcks: unsettled },
      });
    });

    /**
     * A consumer and a producer of `count` messages at 150 msg/s, both through a loopback proxy in
     * front of the broker; `fault` acts on the proxy once 150 are published. Then the producer must
     * exit 0 without a failed publish, and every stored id be applied exactly once.
     */
    async function throughProxy(
      name: string,
      options: { readonly count: number; readonly producerEnv?: Record<string, string | number> },
      fault: (proxy: TcpProxy, apps: { readonly c: AppProcess; readonly p: AppProcess }) => Promise<void>,
    ): Promise<void> {
      const server = broker.server!;
      const proxy = await TcpProxy.start(server.port);
      try {
        const viaProxy = { BROKER_URL: broker.urlFor(proxy.port) };
        const c = await consumer({ ...viaProxy, CONCURRENCY: 4, BATCH_SIZE: 20, WORK_TIME_MS: 5 }, "c");
        await c.waitReady();
        const p = await producer({
          ...viaProxy,
          RATE_PER_SECOND: 150,
          MESSAGE_LIMIT: options.count,
          ...options.producerEnv,
        });
        await waitFor(
          "150 published",
          async () => (await p.metrics()).value("producer_messages_published_total") >= 150,
          { intervalMs: 50 },
        );
        await fault(proxy, { c, p });
        const exit = await p.exited;
        expect(exit.code, p.stderr).toBe(0);
        const published = producerSummary(p);
        expect(published.failed).toBe(0);
        const { counts } = await auditAndReport(name, {
          attempted: published.created,
          acknowledged: published.stored + published.duplicates,
          running: [c],
        });
        expect(counts.stored).toBe(options.count);
      } finally {
        await proxy.close();
      }
    }

    it("TCP cut with both processes alive (loopback proxy): apps reconnect through it, nothing lost, no duplicate effect", async (context) => {
      if (!broker.server) return context.skip();
      await throughProxy("TCP cut (proxy)", { count: 600 }, async (proxy, { c, p }) => {
        await proxy.cut();
        await waitFor("consumer not ready while cut off", async () => (await c.readyStatus()) === 503);
        await waitFor("producer not ready while cut off", async () => (await p.readyStatus()) === 503);
        expect(c.isRunning && p.isRunning).toBe(true);
        await proxy.restore();
        await waitFor("consumer ready again through the proxy", async () => (await c.readyStatus()) === 200, {
          timeoutMs: 30_000,
        });
      });
    });

    it("packet-dropping partition with busy apps (blackholed proxy): both reconnect, nothing lost, no duplicate effect", async (context) => {
      if (!broker.server || !broker.capabilities.detectsSilentPeer) return context.skip();
      // 64 KiB messages: within a second of the partition the producer's writes fill its socket's
      // send buffer, the case where the client alone never reconnects (stale-socket-guard.ts).
      const producerEnv = { PAYLOAD_BYTES: 65_536 };
      await throughProxy(
        "packet-dropping partition (proxy)",
        { count: 900, producerEnv },
        async (proxy, { c, p }) => {
          // No reset, no FIN: the open connections just go silent (new ones are forwarded).
          proxy.blackhole();
          const reconnected = (app: AppProcess): boolean =>
            app.logs().some((line) => line.msg === "broker reconnected");
          await waitFor("both apps reconnected through the proxy", () => reconnected(c) && reconnected(p), {
            timeoutMs: 60_000,
          });
          expect(c.isRunning && p.isRunning).toBe(true);
        },
      );
    });

    it("a second SIGTERM forces exit 130 before the drain could end; the message in work comes back to another consumer", async () => {
      const published = await produce(3, 100);
      const [workTimeMs, ackWaitMs] = [4_000, 8_000];
      const settings = { WORK_TIME_MS: workTimeMs, ACK_WAIT_MS: ackWaitMs };
      const a = await consumer({ ...settings, DRAIN_TIMEOUT_MS: 30_000 }, "a");
      await waitFor("1 in work", async () => (await a.metrics()).value("consumer_in_flight_messages") === 1, {
        intervalMs: 20,
      });
      const workEndsAt = performance.now() + workTimeMs; // a drain cannot end before this
      a.signal("SIGTERM");
      await waitFor("draining", async () => (await a.readyStatus().catch(() => 503)) === 503, {
        intervalMs: 20,
      });
      const signalledAt = performance.now();
      const exit = await a.kill("SIGTERM");
      const exitedAt = performance.now();
      expect(exit.code, a.stderr).toBe(130);
      expect(exitedAt).toBeLessThan(workEndsAt);
      expect(a.lastLog("second signal: exiting now")).toBeDefined();
      const inWork = (await auditSink(sinkDir)).attemptedByInstance.get("a") ?? [];
      expect(inWork).toHaveLength(1);
      const b = await consumer({ ACK_WAIT_MS: ackWaitMs }, "b");
      const { audit } = await auditAndReport("second SIGTERM", {
        attempted: published.created,
        acknowledged: published.stored,
        running: [b],
        extra: { forcedExitMs: Math.round(exitedAt - signalledAt) },
      });
      expect(audit.attemptedByInstance.get("b")).toContain(inWork[0]);
    });

    it("drain watchdog: a drain stuck on a hung broker exits 1 at DRAIN_TIMEOUT_MS", async (context) => {
      const server = broker.server;
      if (!server) return context.skip();
      const published = await produce(3, 100);
      const drainTimeoutMs = 2_000;
      // work outlasts the drain budget: it is handed back at DRAIN_TIMEOUT_MS − ¼, and that nak hangs
      const a = await consumer({ ...workingFor(2_500), DRAIN_TIMEOUT_MS: drainTimeoutMs }, "a");
      await waitFor("1 in work", async () => (await a.metrics()).value("consumer_in_flight_messages") === 1);
      process.kill(server.pid, "SIGSTOP");
      let exit;
      let drainMs;
      try {
        const signalledAt = performance.now();
        exit = await a.kill("SIGTERM");
        drainMs = performance.now() - signalledAt;
      } finally {
        process.kill(server.pid, "SIGCONT");
      }
      expect(exit.code, a.stderr).toBe(1);
      expect(drainMs).toBeGreaterThanOrEqual(drainTimeoutMs);
      expect(drainMs).toBeLessThan(drainTimeoutMs + 5_000);
      expect(a.lastLog("drain exceeded DRAIN_TIMEOUT_MS; exiting")).toBeDefined();
      const b = await consumer({}, "b");
      await auditAndReport("drain watchdog", {
        attempted: published.created,
        acknowledged: published.stored,
        running: [b],
        extra: { watchdogExitMs: Math.round(drainMs) },
      });
    });

    it("SIGTERM while start-up connection retries run: exits 0 at once instead of after the retries", async () => {
      // A listener that drops every connection at once: each attempt is seen, and each one fails.
      let attempts = 0;
      const refuser = createServer((socket) => {
        attempts++;
        socket.destroy();
      });
      await new Promise<void>((resolve) => refuser.listen(0, "127.0.0.1", resolve));
      try {
        const url = broker.urlFor((refuser.address() as AddressInfo).port);
        for (const app of ["producer", "consumer"] as const) {
          const extra: Record<string, string> =
            app === "producer" ? { RATE_PER_SECOND: "1" } : { SINK_DIR: sinkDir };
          const before = attempts;
          const p = await AppProcess.start(app, env({ ...extra, BROKER_URL: url }), `${app}-starting`);
          await waitFor(`${app} retrying its connection`, () => attempts >= before + 2, { intervalMs: 20 });
          const signalledAt = performance.now();
          const exit = await p.kill("SIGTERM");
          const exitMs = performance.now() - signalledAt;
          expect(exit.code, p.stderr).toBe(0);
          expect(exitMs).toBeLessThan(2_000); // the remaining retries alone take over 20 s
          report(kind, `SIGTERM during ${app} connect retries`, {
            attemptsSeen: attempts - before,
            exitCode: exit.code ?? -1,
            exitMs: Math.round(exitMs),
          });
        }
      } finally {
        await new Promise((resolve) => refuser.close(resolve));
      }
    });

    it("poison and malformed messages are dead-lettered with their reason; the rest keep flowing", async () => {
      const maxDeliveries = 3;
      const poison = createEnvelope({ seq: 1, producer: "test", payload: { poison: true } });
      const malformedId = "malformed-1";
      await injectRaw([
        { id: poison.id, data: encodeEnvelope(poison) },
        { id: malformedId, data: new TextEncoder().encode('{"not":"an envelope"') },
      ]);
      const count = 100;
      const c = await consumer({ MAX_DELIVERIES: maxDeliveries, RETRY_DELAY_MS: 100, CONCURRENCY: 2 }, "c");
      const published = await produce(count, 500);
      await waitFor("both dead-lettered", async () => {
        const m = await c.metrics();
        return (
          m.value("consumer_dead_lettered_total", { reason: "poison" }) === 1 &&
          m.value("consumer_dead_lettered_total", { reason: "malformed" }) === 1
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
      const { audit, summaries } = await auditAndReport("poison + malformed", {
        attempted: published.created + 2,
        acknowledged: published.stored + 2,
        running: [c],
        deadLettered: new Set([poison.id, malformedId]),
        extra: { deadLettered: 2 },
      });
      expect(summaries[0]!.dead_lettered).toBe(2);
      expect(audit.applied.has(poison.id)).toBe(false);
      // the poison message was attempted on each of its deliveries; nothing else came twice
      expect(audit.attemptsById.get(poison.id)).toBe(maxDeliveries);
      expect(audit.duplicateDeliveries).toBe(maxDeliveries - 1);
    });

    it("queue depth: both apps' broker_queue_depth_messages equal JetStream's consumer info, pending and ack pending", async () => {
      const count = 20;
      await produce(count, 1000);
      const idle = await producer({ RATE_PER_SECOND: 0 }, "idle-producer");
      await idle.waitReady();
      /** Wait until the app's gauge shows `depth` (it is read every few seconds); returns it. */
      const gaugeOf = async (app: AppProcess) => {
        const m = await app.metrics();
        return {
          pending: m.value("broker_queue_depth_messages", { state: "pending" }),
          ackPending: m.value("broker_queue_depth_messages", { state: "ack_pending" }),
        };
      };
      const agree = async (apps: readonly AppProcess[], what: string): Promise<GroupDepth> => {
        const depth = await broker.groupDepth();
        await waitFor(
          `${what}: the apps' gauges at ${JSON.stringify(depth)}`,
          async () => {
            const gauges = await Promise.all(apps.map(gaugeOf));
            return gauges.every((g) => g.pending === depth.pending && g.ackPending === depth.ackPending);
          },
          { timeoutMs: 20_000 },
        ).catch(async (error: unknown) => {
          throw new Error(
            `${(error as Error).message}; gauges: ${JSON.stringify(await Promise.all(apps.map(gaugeOf)))}`,
          );
        });
        // the state was stable while the gauges caught up
        expect(await broker.groupDepth()).toEqual(depth);
        return depth;
      };
      expect(await agree([idle], "nothing delivered")).toEqual({ pending: count, ackPending: 0 });
      const slow = await consumer(
        { CONCURRENCY: 2, BATCH_SIZE: 2, WORK_TIME_MS: 30_000, ACK_WAIT_MS: 60_000 },
        "slow",
      );
      await waitFor(
        "2 in work",
        async () => (await slow.metrics()).value("consumer_in_flight_messages") === 2,
      );
      const inWork = await agree([idle, slow], "2 in work");
      expect(inWork.ackPending).toBeGreaterThanOrEqual(2);
      expect(inWork.pending + inWork.ackPending).toBe(count);
      report(kind, "queue depth", { pending: inWork.pending, ackPending: inWork.ackPending });
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
      const effects = await countEffects(sinkDir);
      expect(effects).toBe(0);
      report(kind, "provision-only", { published: 3, pendingInGroup: 3, effects });
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
    });
  });
}
