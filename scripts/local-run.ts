/**
 * `npm run local -- [--duration s] [--rate msg/s] [--broker nats|memphis] [--consumers N] [--work-ms ms]`
 *
 * Runs the whole pipeline on this machine: a broker on free loopback ports with a fresh store, the
 * producer at the dev rate of cdk8s/config.ts (or --rate) and N consumers as child processes
 * (`node dist/apps/...`), a live status line every second, and on Ctrl-C or after --duration an
 * orderly stop (producer first, consumers once the queue is empty) and a summary. Everything it
 * started is stopped; a second Ctrl-C kills at once.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PRODUCER_RATE_PER_SECOND } from "../cdk8s/config.js";
import { loadConsumerConfig } from "../src/apps/consumer/config.js";
import { connectBroker } from "../src/broker/index.js";
import type { Broker, QueueDepth } from "../src/broker/port.js";
import { AppChild } from "./lib/local-run/app-child.js";
import { parseLocalRunArgs } from "./lib/local-run/args.js";
import { startLocalBroker, type LocalBroker } from "./lib/local-run/local-broker.js";
import { formatStatus, STATUS_HEADER, StatusWindow } from "./lib/local-run/status.js";
import { MetricSet } from "./lib/metrics-text.js";
import { freePort } from "./lib/nats-server.js";

const log = (line: string) => console.log(`[local] ${line}`);
const args = (() => {
  try {
    return parseLocalRunArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
})();
const rate = args.rate ?? PRODUCER_RATE_PER_SECOND.dev;
const workDir = await mkdtemp(join(tmpdir(), "local-run-"));
const sinkDir = join(workDir, "sink");

let broker: LocalBroker | undefined;
let port: Broker | undefined;
const children: AppChild[] = [];
let stopping = false;
let interrupted = false;
let wake: (() => void) | undefined;

process.on("SIGINT", () => {
  if (stopping || interrupted) {
    log("second Ctrl-C: killing everything");
    for (const child of children) child.kill();
    void (broker?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
    return;
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

async function sample(window: StatusWindow, producer: AppChild, consumers: readonly AppChild[]) {
  const [producerMetrics, consumerMetrics, depth] = await Promise.all([
    producer.metrics(),
    Promise.all(consumers.map((c) => c.metrics())),
    port!.queueDepth().catch((): QueueDepth | undefined => undefined),
  ]);
  return window.add({
    atMs: performance.now(),
    producer: producerMetrics,
    consumers: MetricSet.merge(consumerMetrics.filter((m): m is MetricSet => m !== undefined)),
    depth,
  });
}

const tty = process.stdout.isTTY === true;
const show = (line: string) => (tty ? process.stdout.write(`\r${line}`) : console.log(line));

let exitCode = 0;
try {
  broker = await startLocalBroker(args.broker, log);
  log(`broker: ${broker.description}`);
  const env: Record<string, string> = { ...broker.env, LOG_LEVEL: "info" };
  const options = loadConsumerConfig({ ...env, INSTANCE_ID: "local-run" }).common.broker;
  port = await connectBroker(options);
  await port.provision();

  const consumers: AppChild[] = [];
  for (let i = 1; i <= args.consumers; i++) {
    const consumer = AppChild.start(
      "consumer",
      `consumer-${i}`,
      { ...env, SINK_DIR: sinkDir, WORK_TIME_MS: String(args.workMs), CONCURRENCY: "4" },
      await freePort(),
      workDir,
    );
    consumers.push(consumer);
    children.push(consumer);
  }
  const producer = AppChild.start(
    "producer",
    "producer",
    { ...env, RATE_PER_SECOND: String(rate) },
    await freePort(),
    workDir,
  );
  children.push(producer);
  log(
    `producer at ${rate} msg/s${args.rate === undefined ? " (PRODUCER_RATE_PER_SECOND.dev in cdk8s/config.ts)" : ""}, ` +
      `${args.consumers} consumer(s), work ${args.workMs} ms; logs in ${workDir}`,
  );
  log(
    args.durationSeconds
      ? `running for ${args.durationSeconds} s (Ctrl-C stops earlier)`
      : "running until Ctrl-C",
  );
  console.log(STATUS_HEADER);

  const startedAt = performance.now();
  const window = new StatusWindow(startedAt);
  const deadline = args.durationSeconds === undefined ? Infinity : startedAt + args.durationSeconds * 1000;
  while (!interrupted && performance.now() < deadline) {
    await pause(Math.min(1000, deadline - performance.now()));
    if (interrupted) break;
    show(formatStatus(await sample(window, producer, consumers)));
    const dead = children.find((c) => !c.running);
    if (dead) throw new Error(`${dead.name} exited on its own; see ${dead.logFile}`);
  }
  stopping = true;
  if (tty) process.stdout.write("\n");
  log("stopping the producer");
  const producerExit = await producer.stop();
  log("waiting for the consumers to empty the queue (30 s at most)");
  const drainDeadline = performance.now() + 30_000;
  for (;;) {
    const row = await sample(window, producer, consumers);
    show(formatStatus(row));
    if ((row.pending ?? 1) + (row.ackPending ?? 1) === 0 || performance.now() > drainDeadline) break;
    await pause(1000);
  }
  if (tty) process.stdout.write("\n");
  log("stopping the consumers");
  const consumerExits = await Promise.all(consumers.map((c) => c.stop()));

  const p = (await producer.lastLog("producer stopped")) ?? {};
  const summaries = await Promise.all(consumers.map((c) => c.lastLog("consumer stopped")));
  const total = (key: string) => summaries.reduce((sum, s) => sum + Number(s?.[key] ?? 0), 0);
  const published = Number(p.stored ?? 0) + Number(p.duplicates ?? 0);
  const processed = total("processed");
  const deadLettered = total("dead_lettered");
  console.log("");
  console.log("summary");
  console.log(
    `  published     ${published}  (created ${p.created ?? "?"}, publish failures ${p.failed ?? "?"})`,
  );
  console.log(`  processed     ${processed}`);
  console.log(`  duplicates    ${total("duplicate")}`);
  console.log(`  dead-lettered ${deadLettered}`);
  console.log(`  lost          ${published - processed - deadLettered}`);
  console.log(`  exit codes    producer ${producerExit}, consumers ${consumerExits.join(", ")}`);
  if (producerExit !== 0 || consumerExits.some((c) => c !== 0)) exitCode = 1;
} catch (error) {
  console.error(`\n[local] ${(error as Error).message}`);
  exitCode = 1;
} finally {
  stopping = true;
  await Promise.all(children.map((c) => c.stop(5_000)));
  await port?.close().catch(() => {});
  await broker?.stop().catch(() => {});
  await rm(sinkDir, { recursive: true, force: true });
  log(`stopped everything; app logs kept in ${workDir}`);
}
process.exit(exitCode);
