/**
 * Producer entry point: `node dist/apps/producer/main.js`. Exit 0 after SIGTERM/SIGINT or
 * MESSAGE_LIMIT (once every in-flight publish settled), 2 on bad configuration, 1 on failure.
 * A signal while still starting exits 0 at once (runtime/starting-signals.ts, imported first on purpose).
 */
// First import: its signal handlers must be in place before the other modules are evaluated.
import { startupFinished } from "../../runtime/starting-signals.js";
import { exitAfterFlush, loadConfigOrExit, startAppRuntime } from "../../runtime/app-runtime.js";
import { DEFAULTS } from "../../runtime/defaults.js";
import { createProducerMetrics } from "../../runtime/metrics/producer-metrics.js";
import { loadProducerConfig } from "./config.js";
import { Producer } from "./producer.js";
import { Publisher } from "./publisher.js";
import { Scheduler } from "./scheduler.js";

const config = loadConfigOrExit("producer", () => loadProducerConfig(process.env));
const runtime = await startAppRuntime({ app: "producer", common: config.common }).catch((error: unknown) => {
  process.stderr.write(`producer: start failed: ${(error as Error).message}\n`);
  process.exit(1);
});
const { logger } = runtime;
const metrics = createProducerMetrics(runtime.registry);
const producer = new Producer({
  scheduler: new Scheduler({
    profile: config.profile,
    catchUpWindowSeconds: DEFAULTS.producer.catchUpWindowMs / 1000,
  }),
  publisher: new Publisher({
    broker: runtime.broker,
    metrics,
    logger,
    retries: DEFAULTS.producer.publishRetries,
    minBackoffMs: DEFAULTS.producer.publishMinBackoffMs,
    maxBackoffMs: DEFAULTS.producer.publishMaxBackoffMs,
  }),
  metrics,
  logger,
  instanceId: config.common.instanceId,
  payloadBytes: config.payloadBytes,
  maxInFlight: config.maxInFlight,
  messageLimit: config.messageLimit,
});
const summaryTimer = setInterval(() => logger.info({ ...producer.summary() }, "producer progress"), 30_000);
summaryTimer.unref();
startupFinished();
try {
  const summary = await producer.run(runtime.shutdown.signal);
  clearInterval(summaryTimer);
  logger.info({ ...summary }, "producer stopped");
  await runtime.close();
  exitAfterFlush(logger, 0);
} catch (error) {
  logger.error({ err: error }, "producer failed");
  await runtime.close().catch(() => {});
  exitAfterFlush(logger, 1);
}
