/**
 * Consumer entry point: `node dist/apps/consumer/main.js`. On SIGTERM/SIGINT: readiness false,
 * stop pulling, finish or hand back in-flight messages, close the broker, exit 0 — all within
 * DRAIN_TIMEOUT_MS (a watchdog exits 1 past it). Exit 2 on bad configuration (SINK_DIR naming a
 * place no sink can be included), 1 on failure (HTTP_PORT taken, SINK_DIR not writable included),
 * each with one line on stderr.
 * A signal while still starting exits 0 at once (runtime/starting-signals.ts, imported first on purpose).
 * `--provision-only`: create the stream and the durable consumer group, then exit (provisioning Job).
 */
// First import: its signal handlers must be in place before the other modules are evaluated.
import { startupFinished } from "../../runtime/starting-signals.js";
import { runAppAndExit, startAppRuntimeOrExit } from "../../runtime/app-main.js";
import { exitAfterFlush, loadConfigOrExit, provisionAndExit } from "../../runtime/app-runtime.js";
import { DEFAULTS } from "../../runtime/defaults.js";
import { createConsumerMetrics } from "../../runtime/metrics/consumer-metrics.js";
import { loadConsumerConfig } from "./config.js";
import { Consumer, SUBSCRIBED } from "./consumer.js";
import type { EffectSink } from "./effect-sink.js";
import { FileEffectSink, SinkDirError } from "./file-effect-sink.js";
import { MemoryEffectSink } from "./memory-effect-sink.js";
import { Processor } from "./processor.js";

const config = loadConfigOrExit("consumer", () => loadConsumerConfig(process.env));
if (process.argv.includes("--provision-only")) {
  // An interrupted provisioning is a failure (exit by the signal), not a clean start-up exit.
  startupFinished();
  await provisionAndExit("consumer", config.common);
  // exitAfterFlush ends the process once the log is flushed; never start consuming.
  await new Promise(() => {});
}
const sink: EffectSink = config.sinkDir
  ? await FileEffectSink.open(config.sinkDir, config.common.instanceId, config.sinkEffect).catch(
      (error: unknown) => {
        if (!(error instanceof SinkDirError)) throw error;
        process.stderr.write(`consumer: ${error.message}\n`);
        process.exit(error.exitCode);
      },
    )
  : new MemoryEffectSink(DEFAULTS.consumer.memorySinkCapacity);
const runtime = await startAppRuntimeOrExit({
  app: "consumer",
  common: config.common,
  readinessConditions: [SUBSCRIBED],
});
const { logger } = runtime;
const metrics = createConsumerMetrics(runtime.registry);
// Keep a reserve of the drain budget for handing back and closing the connection.
const reserveMs = Math.min(3_000, Math.floor(config.drainTimeoutMs / 4));
const consumer = new Consumer({
  broker: runtime.broker,
  processor: new Processor({
    sink,
    metrics,
    logger,
    instanceId: config.common.instanceId,
    workTimeMs: config.workTimeMs,
    retryDelayMs: config.retryDelayMs,
    ackWaitMs: config.common.broker.ackWaitMs,
  }),
  logger,
  readiness: runtime.readiness,
  concurrency: config.concurrency,
  batchSize: config.batchSize,
  handBackAfterMs: config.drainTimeoutMs - reserveMs,
});
let signalledAt: number | undefined;
runtime.shutdown.signal.addEventListener(
  "abort",
  () => {
    signalledAt = performance.now();
    const watchdog = setTimeout(() => {
      logger.error({ drainTimeoutMs: config.drainTimeoutMs }, "drain exceeded DRAIN_TIMEOUT_MS; exiting");
      exitAfterFlush(logger, 1);
    }, config.drainTimeoutMs);
    watchdog.unref();
  },
  { once: true },
);
await runAppAndExit({
  runtime,
  app: "consumer",
  run: (signal) => consumer.run(signal),
  progress: () => consumer.summary(),
  closeApp: () => sink.close(),
  stoppedFields: () => ({
    drainMs: signalledAt === undefined ? undefined : Math.round(performance.now() - signalledAt),
  }),
});
