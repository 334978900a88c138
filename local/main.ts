/**
 * `npm run local -- [--env dev|prod] [--speed K] [--rate msg/s] [--duration s] [--consumers N] [--work-ms ms] [--broker nats|memphis]`
 *
 * Runs the whole pipeline on this machine: a broker on free loopback ports with a fresh store, the
 * producer, and the consumers scaled the way KEDA and the HPA would scale them from the committed
 * ScaledObject and Deployment in dist-manifests/<env>/ (local/scaler/), with
 * every controller interval divided by --speed. With no flags it is a demonstration of one cycle,
 * 0 → N → 0, under a load that rises and falls. A live status line every second, a line per
 * scaling event, every decision in scaler.jsonl, and on Ctrl-C, after --duration or at the end of
 * the cycle an orderly stop (producer first, consumers once the queue is empty) and a summary.
 * Everything it started is stopped; a second Ctrl-C kills at once.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConsumerConfig } from "../src/apps/consumer/config.js";
import { connectBroker } from "../src/broker/index.js";
import { AppChild } from "./app-child.js";
import { parseLocalRunArgs } from "./args.js";
import { DEFAULT_SPEED, demoPlan } from "./demo-plan.js";
import { startLocalBroker, type LocalBroker } from "./local-broker.js";
import { LocalObservability } from "./observability/local-observability.js";
import { readJetStreamLag } from "./scaler/jetstream-lag.js";
import { readProducerManifest } from "./producer-manifest.js";
import { readConsumerManifests } from "./scaler/manifest-spec.js";
import { startScaledConsumers, type ScaledConsumers } from "./scaler/scaled-consumers.js";
import { formatStatus, STATUS_HEADER, StatusWindow, type StatusRow } from "./status.js";
import type { MetricSet } from "../testkit/metrics-text.js";
import { freePort } from "../testkit/nats-server.js";
import type { AppEnv, AppVariables } from "../testkit/app-env.js";
import { stopChildrenOnExit } from "../testkit/child-processes.js";
import { parsedOrExit } from "../tooling/cli.js";
import { buildApps } from "../tooling/run-build.js";

const log = (line: string) => console.log(`[local] ${line}`);
const args = parsedOrExit(() => parseLocalRunArgs(process.argv.slice(2)));
// Whatever ends this process, nothing it started (broker, Prometheus, apps) outlives it.
stopChildrenOnExit((line) => console.error(`\n[local] ${line}`));
try {
  if (!args.skipBuild) buildApps();
} catch (error) {
  console.error(`[local] ${(error as Error).message}`);
  process.exit(1);
}
const manifests = readConsumerManifests(args.env);
const producerManifest = readProducerManifest(args.env);
const scaled = args.consumers === undefined;
const speed = args.speed ?? DEFAULT_SPEED;
const workMs = args.workMs ?? Number(manifests.pod.env.WORK_TIME_MS ?? 0);
const concurrency = Number(manifests.pod.env.CONCURRENCY ?? 1);
// The demonstration: no rate, no fixed count, no duration given.
const demo =
  scaled && args.rate === undefined && args.durationSeconds === undefined && args.profile === undefined
    ? demoPlan((concurrency * 1000) / workMs)
    : undefined;
const rate = args.rate ?? Number(producerManifest.env.RATE_PER_SECOND ?? 0);
const workDir = await mkdtemp(join(tmpdir(), "local-run-"));
const sinkDir = join(workDir, "sink");

let broker: LocalBroker | undefined;
let consumers: ScaledConsumers | undefined;
let producer: AppChild | undefined;
let observability: LocalObservability | undefined;
let stopping = false;
let interrupted = false;
let wake: (() => void) | undefined;

process.on("SIGINT", () => {
  if (stopping || interrupted) {
    log("second Ctrl-C: killing everything");
    process.exit(130); // the exit handler kills every child by PID
  }
  interrupted = true;
  wake?.();
});
process.on("SIGTERM", () => {
  interrupted = true;
  wake?.();
});

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

const tty = process.stdout.isTTY === true;
const show = (line: string) => (tty ? process.stdout.write(`\r${line}`) : console.log(line));
/** A line above the status line (the status line is redrawn below it). */
const announce = (line: string) => (tty ? process.stdout.write(`\r${line.padEnd(80)}\n`) : console.log(line));
const startedAt = performance.now();
const seconds = () => (performance.now() - startedAt) / 1000;

async function sample(window: StatusWindow, c: ScaledConsumers): Promise<StatusRow> {
  const children = c.pods.children;
  const [producerMetrics, consumerMetrics, lag] = await Promise.all([
    producer?.metrics(),
    Promise.all(children.map(async (child) => [child.name, await child.metrics()] as const)),
    readJetStreamLag(c.lagTarget, 2_000).catch(() => undefined),
  ]);
  const { ready, total } = c.pods.counts;
  return window.add({
    atMs: performance.now(),
    producer: producerMetrics,
    consumers: new Map(consumerMetrics.filter((e): e is [string, MetricSet] => e[1] !== undefined)),
    depth: lag === undefined ? undefined : { pending: lag, ackPending: 0, total: lag },
    replicas: { desired: c.scaler?.status.desired, ready, total },
  });
}

let exitCode = 0;
/** Seconds since the start at which the scaler last took the consumers to 0. */
let backToZeroAt: number | undefined;
try {
  broker = await startLocalBroker(args.broker, log);
  log(`broker: ${broker.description}`);
  // The stream and the durable group exist before any consumer runs, as the provisioning Job
  // makes them in the cluster, so the scaler reads a real lag at zero replicas.
  const port = await connectBroker(
    loadConsumerConfig({ ...broker.env, INSTANCE_ID: "provision" }).common.broker,
  );
  await port.provision().finally(() => port.close());
  const { scaling, pod } = manifests;
  if (scaled) {
    log(`scaling by ${manifests.files.join(" and ")}`);
    log(
      `  KEDA: poll every ${scaling.pollingIntervalSeconds} s, cooldown ${scaling.cooldownPeriodSeconds} s, ` +
        `${scaling.minReplicaCount}..${scaling.maxReplicaCount} replicas, lagThreshold ${scaling.lagThreshold}, ` +
        `activation above ${scaling.activationLagThreshold}`,
    );
    log(
      `  HPA: sync every ${scaling.hpa.syncPeriodSeconds} s, scale-down window ${scaling.hpa.scaleDown.stabilizationWindowSeconds} s; ` +
        `pods: grace ${pod.terminationGracePeriodSeconds} s`,
    );
    log(
      speed === 1
        ? "  speed 1: the cluster's timing"
        : `  speed ${speed}: every controller interval divided by ${speed} (a ${scaling.pollingIntervalSeconds} s poll every ${scaling.pollingIntervalSeconds / speed} s); the apps' own timings and the grace period are real`,
    );
  }
  consumers = startScaledConsumers({
    manifests,
    brokerEnv: broker.env,
    env: { SINK_DIR: sinkDir, WORK_TIME_MS: String(workMs) },
    workDir,
    speed,
    fixedReplicas: args.consumers,
    onScale: (e) => {
      if (e.to === 0) backToZeroAt = seconds();
      const line =
        `consumers ${e.from} -> ${e.to}  ${e.reason}` +
        `${e.lag === undefined ? "" : ` (lag ${e.lag}, desired ${e.desired})`}`;
      announce(`${seconds().toFixed(1).padStart(6)}s  ${line}`);
      observability?.event(line);
    },
    onExit: (e) => {
      if (!e.terminated)
        announce(
          `${seconds().toFixed(1).padStart(6)}s  ${e.name} exited on its own (code ${e.code}, signal ${e.signal})`,
        );
    },
  });
  observability = await LocalObservability.start({
    env: args.env,
    manifests,
    consumers,
    speed,
    workDir,
    fixedReplicas: args.consumers,
    log,
    title: `${args.env} manifests, ${args.broker}, speed ${speed}`,
  });
  log(
    `prometheus: pid ${observability.prometheus.pid} at ${observability.prometheus.url} (rules of dist-manifests/${args.env}/, durations / ${speed})`,
  );
  log(`dashboards: ${observability.page.url}`);
  const loadProfile = args.profile ?? demo?.loadProfile;
  const profileEnv: AppVariables<"producer"> & Pick<AppEnv<"producer">, "RATE_PER_SECOND"> =
    loadProfile === undefined
      ? { RATE_PER_SECOND: String(rate) }
      : { RATE_PER_SECOND: String(args.rate ?? 0), LOAD_PROFILE: loadProfile };
  producer = AppChild.start(
    "producer",
    "producer",
    { ...producerManifest.env, ...broker.env, ...profileEnv },
    await freePort(),
    workDir,
  );
  observability.setProducer(producer);
  if (args.profile !== undefined) log(`producer load: ${args.profile}`);
  else if (demo !== undefined)
    log(
      `demonstration: load ${demo.loadProfile} (msg/s@duration; one consumer handles ${(concurrency * 1000) / workMs} msg/s); ` +
        `it stops once the consumers are back at zero after the load (${demo.maxSeconds} s at most). Ctrl-C stops earlier.`,
    );
  else
    log(
      `producer at ${rate} msg/s${args.rate === undefined ? ` (RATE_PER_SECOND of ${producerManifest.files.at(-1)})` : ""}; ` +
        (scaled ? "consumers scaled" : `${args.consumers} consumer(s)`) +
        `; ${args.durationSeconds ? `running for ${args.durationSeconds} s (Ctrl-C stops earlier)` : "running until Ctrl-C"}`,
    );
  log(`work ${workMs} ms per message, concurrency ${concurrency}; logs and scaler.jsonl in ${workDir}`);
  console.log(STATUS_HEADER);

  const window = new StatusWindow(startedAt);
  const deadline =
    args.durationSeconds !== undefined
      ? startedAt + args.durationSeconds * 1000
      : demo !== undefined
        ? startedAt + demo.maxSeconds * 1000
        : Infinity;
  let firstProcessedAt: number | undefined;
  let firstLagAt: number | undefined;
  let lastLagAt: number | undefined;
  while (!interrupted && performance.now() < deadline) {
    await pause(Math.min(1000, deadline - performance.now()));
    if (interrupted) break;
    const row = await sample(window, consumers);
    show(formatStatus(row));
    if (firstLagAt === undefined && (row.lag ?? 0) > 0) firstLagAt = row.elapsedSeconds;
    if ((row.lag ?? 0) > 0) lastLagAt = row.elapsedSeconds;
    if (firstProcessedAt === undefined && row.processed > 0) firstProcessedAt = row.elapsedSeconds;
    if (!producer.running) throw new Error(`the producer exited on its own; see ${producer.logFile}`);
    const status = consumers.scaler?.status;
    if (
      demo !== undefined &&
      status !== undefined &&
      seconds() > demo.loadEndsAtSeconds &&
      status.replicas === 0 &&
      row.lag === 0
    ) {
      announce(`${seconds().toFixed(1).padStart(6)}s  cycle complete: the consumers are back at zero`);
      break;
    }
  }
  stopping = true;
  if (tty) process.stdout.write("\n");
  log("stopping the producer");
  const producerExit = await producer.stop();
  log("waiting for the consumers to empty the queue (30 s at most)");
  const drainDeadline = performance.now() + 30_000;
  for (;;) {
    const row = await sample(window, consumers);
    show(formatStatus(row));
    if (row.lag === 0 || performance.now() > drainDeadline) break;
    await pause(1000);
  }
  if (tty) process.stdout.write("\n");
  log("stopping the consumers");
  const exits = await consumers.stop();

  const p = (await producer.lastLog("producer stopped")) ?? {};
  const published = Number(p.stored ?? 0) + Number(p.duplicates ?? 0);
  // Processed: the effects in the shared sink, each applied once whichever replica applied it.
  const processed = (await readdir(join(sinkDir, "effects")).catch(() => [])).length;
  const summaries = await Promise.all(consumers.pods.started.map((c) => c.lastLog("consumer stopped")));
  const total = (key: string) => summaries.reduce((sum, s) => sum + Number(s?.[key] ?? 0), 0);
  const scaledIn = exits.filter((e) => e.terminated);
  const unclean = exits.filter((e) => e.code !== 0);
  console.log("");
  console.log("summary");
  console.log(
    `  published       ${published}  (created ${p.created ?? "?"}, publish failures ${p.failed ?? "?"})`,
  );
  console.log(`  processed       ${processed}  (effects applied, each id once)`);
  console.log(`  duplicates      ${total("duplicate")}  (redeliveries of an applied id, not applied again)`);
  console.log(`  dead-lettered   ${total("dead_lettered")}`);
  console.log(`  lost            ${published - processed - total("dead_lettered")}`);
  if (scaled) {
    const status = consumers.scaler!.status;
    console.log(
      `  peak replicas   ${status.peakReplicas}  (${status.decisions} decisions in ${consumers.journalPath})`,
    );
    if (firstLagAt !== undefined && firstProcessedAt !== undefined)
      console.log(
        `  cycle           first processing ${(firstProcessedAt - firstLagAt).toFixed(0)} s after the queue first held messages` +
          (backToZeroAt !== undefined && lastLagAt !== undefined && backToZeroAt > lastLagAt
            ? `; back to 0 replicas ${(backToZeroAt - lastLagAt).toFixed(0)} s after it last did (${(backToZeroAt - firstLagAt).toFixed(0)} s after the first)`
            : ""),
      );
  }
  console.log(
    `  consumer exits  ${exits.length} (${scaledIn.length} stopped by the scaler or at the end; exit codes ${[...new Set(exits.map((e) => e.code))].join(", ") || "-"}; ` +
      `slowest stop ${Math.max(0, ...scaledIn.map((e) => e.stopMs ?? 0)).toFixed(0)} ms of ${manifests.pod.terminationGracePeriodSeconds} s grace)`,
  );
  console.log(`  producer exit   ${producerExit}`);
  if (producerExit !== 0 || unclean.length > 0) exitCode = 1;
} catch (error) {
  console.error(`\n[local] ${(error as Error).message}`);
  exitCode = 1;
} finally {
  stopping = true;
  await producer?.stop(5_000);
  await consumers?.stop();
  await observability?.stop().catch(() => {});
  await broker?.stop().catch(() => {});
  await rm(sinkDir, { recursive: true, force: true });
  log(`stopped everything; app logs and scaler.jsonl kept in ${workDir}`);
}
process.exit(exitCode);
