/**
 * The local scaler against a real broker with real consumer processes, sped up: the dev
 * ScaledObject and Deployment from dist-manifests/dev/, a burst from the real producer, and the
 * consumers going 0 → at least 2 → 0. Then, with one shared SINK_DIR:
 * - lost 0: the ids the broker stored minus the ids applied, as sets;
 * - duplicate effects 0, counted from the consumers' own record of every attempt (their debug
 *   "message settled" lines), not from the sink;
 * - every scale-in exit is 0 within terminationGracePeriodSeconds, never a SIGKILL;
 * - replaying scaler.jsonl through the decision function reproduces every decision.
 * Prints the cycle observed: burst → first processing, peak replicas, time back to zero.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/nats-core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConsumerConfig } from "../../../src/apps/consumer/config.js";
import { connectBroker } from "../../../src/broker/index.js";
import { Journal, replayJournal } from "../../../local/scaler/journal.js";
import { readConsumerManifests } from "../../../local/scaler/manifest-spec.js";
import { startScaledConsumers, type ScaledConsumers } from "../../../local/scaler/scaled-consumers.js";
import { AppProcess } from "../../support/app-process.js";
import { readAttempts } from "../../support/attempt-record.js";
import { readStreamIds } from "../../support/jetstream-readback.js";
import type { BrokerEnv } from "../../../testkit/app-env.js";
import { waitFor } from "../../../testkit/poll.js";
import { auditSink } from "../../support/sink-audit.js";

/** A fresh broker for the test. */
export interface ScalingBroker {
  readonly env: BrokerEnv;
  /** A connection in the stream's account, to read back what was stored. */
  readonly connection: NatsConnection;
  /** The JetStream stream behind STREAM (`events`, or `events$1` for a Memphis station). */
  readonly streamName: string;
  stop(): Promise<void>;
}

/**
 * Controller intervals / 30: polls and syncs every 0.5 s, cooldown and the scale-down window
 * 10 s. The apps' timings (200 ms of work per message, 4 at once: 20 msg/s per replica) are real.
 */
const SPEED = 30;
/** A burst one replica needs 20 s for; the ScaledObject allows 3. */
const BURST = { messages: 400, ratePerSecond: 200 };

export function describeScalingSuite(kind: string, startBroker: () => Promise<ScalingBroker>): void {
  describe(`local scaler on ${kind}`, { timeout: 150_000 }, () => {
    let broker: ScalingBroker;
    let workDir: string;
    let consumers: ScaledConsumers | undefined;

    beforeEach(async () => {
      broker = await startBroker();
      workDir = await mkdtemp(join(tmpdir(), "scaling-"));
    });

    afterEach(async () => {
      await consumers?.stop();
      await AppProcess.killAll();
      await broker.stop();
      await rm(workDir, { recursive: true, force: true });
    });

    it("a burst takes the consumers 0 → ≥2 → 0; lost 0, duplicate effects 0, clean scale-ins, reproducible decisions", async () => {
      const manifests = readConsumerManifests("dev");
      const sinkDir = join(workDir, "sink");
      // The group exists before any consumer runs, as the provisioning Job makes it in the cluster.
      const port = await connectBroker(
        loadConsumerConfig({ ...broker.env, INSTANCE_ID: "provision" }).common.broker,
      );
      await port.provision();
      await port.close();

      // Scale events on the epoch clock, to compare with the envelopes' producedAt and the effects' appliedAt.
      const scaleEvents: { atMs: number; from: number; to: number }[] = [];
      consumers = startScaledConsumers({
        manifests,
        brokerEnv: broker.env,
        // The attempt record needs the per-message debug lines (dev's LOG_LEVEL, made explicit).
        env: { SINK_DIR: sinkDir, LOG_LEVEL: "debug" },
        workDir,
        speed: SPEED,
        onScale: (e) => scaleEvents.push({ atMs: Date.now(), from: e.from, to: e.to }),
      });
      const scaler = consumers.scaler!;
      // The Deployment starts at spec.replicas (1); KEDA's first idle poll takes it to 0.
      await waitFor(
        "the consumers at 0 before the burst",
        () => scaler.status.replicas === 0 && scaler.status.total === 0,
        {
          timeoutMs: 30_000,
        },
      );

      const producer = await AppProcess.start("producer", {
        ...broker.env,
        RATE_PER_SECOND: String(BURST.ratePerSecond),
        MESSAGE_LIMIT: String(BURST.messages),
        MAX_IN_FLIGHT: "64",
      });
      expect((await producer.exited).code, producer.stderr).toBe(0);
      await waitFor("at least 2 replicas", () => scaler.status.replicas >= 2, {
        timeoutMs: 60_000,
        intervalMs: 50,
      });
      await waitFor(
        "back to 0 with an empty queue",
        () => scaler.status.replicas === 0 && scaler.status.total === 0 && scaler.status.lag === 0,
        { timeoutMs: 90_000, intervalMs: 100 },
      );
      const journalPath = consumers.journalPath;
      const exits = await consumers.stop();
      consumers = undefined;

      // Lost: stored by the broker minus applied, as sets.
      const stored = new Set(await readStreamIds(broker.connection, broker.streamName));
      const audit = await auditSink(sinkDir);
      const lost = [...stored].filter((id) => !audit.applied.has(id));
      // Duplicate effects: from the consumers' record of every attempt.
      const attempts = await readAttempts(workDir, (f) => /^consumer-\d+\.log$/.test(f));
      const unrecorded = [...audit.applied].filter((id) => !attempts.attempted.has(id));

      // The cycle: burst → first effect applied; peak; the scale event back to 0.
      const effects = await readdir(join(sinkDir, "effects"));
      // The burst starts with the first message produced.
      const effectTimes = await Promise.all(
        effects.map(
          async (f) =>
            JSON.parse(await readFile(join(sinkDir, "effects", f), "utf8")) as {
              producedAt: number;
              appliedAt: number;
            },
        ),
      );
      const burstAt = Math.min(...effectTimes.map((e) => e.producedAt));
      const firstProcessingMs = Math.min(...effectTimes.map((e) => e.appliedAt)) - burstAt;
      const peak = scaler.status.peakReplicas;
      const backToZero = scaleEvents.filter((e) => e.to === 0 && e.atMs > burstAt).at(-1);
      const activation = scaleEvents.find((e) => e.from === 0 && e.atMs > burstAt);
      const scaleIns = exits.filter((e) => e.terminated);
      console.log(
        `[scaling ${kind}] burst ${BURST.messages} at ${BURST.ratePerSecond}/s, speed ${SPEED}: activation ${activation ? Math.round(activation.atMs - burstAt) : "?"} ms and first processing ${Math.round(firstProcessingMs)} ms after the burst, ` +
          `peak ${peak} replicas, back to 0 ${backToZero ? ((backToZero.atMs - burstAt) / 1000).toFixed(1) : "?"} s after the burst; ` +
          `stored ${stored.size}, applied ${audit.applied.size}, lost ${lost.length}, attempts ${attempts.attempts}, duplicate effects ${attempts.duplicateEffects}; ` +
          `${scaleIns.length} pods stopped, slowest ${Math.round(Math.max(...scaleIns.map((e) => e.stopMs ?? 0)))} ms; events ${scaleEvents.map((e) => `${e.from}->${e.to}`).join(" ")}`,
      );

      expect(stored.size).toBe(BURST.messages);
      expect(lost).toEqual([]);
      expect(unrecorded).toEqual([]);
      expect(attempts.duplicateEffects).toBe(0);
      expect(peak).toBeGreaterThanOrEqual(2);
      expect(backToZero).toBeDefined();

      const graceMs = manifests.pod.terminationGracePeriodSeconds * 1000;
      expect(scaleIns.length).toBeGreaterThanOrEqual(peak);
      for (const exit of exits) {
        expect({
          name: exit.name,
          code: exit.code,
          signal: exit.signal,
          killed: exit.killed,
          terminated: exit.terminated,
        }).toEqual({
          name: exit.name,
          code: 0,
          signal: null,
          killed: false,
          terminated: true,
        });
        expect(exit.stopMs).toBeLessThan(graceMs);
      }

      const lines = Journal.read(journalPath);
      expect(lines.length).toBeGreaterThan(10);
      expect(replayJournal(manifests.scaling, lines)).toEqual([]);
      // Negative control: the replay does notice a decision that does not follow from its observation.
      const peakLine = lines.findIndex((l) => l.replicas >= 2);
      const tampered = lines.map((l, i) => (i === peakLine ? { ...l, replicas: l.replicas + 1 } : l));
      expect(replayJournal(manifests.scaling, tampered).length).toBeGreaterThan(0);
    });
  });
}
