/**
 * Producer entry point: `node dist/apps/producer/main.js`. Exit 0 after SIGTERM/SIGINT or
 * MESSAGE_LIMIT (once every in-flight publish settled), 2 on bad configuration, 1 on failure.
 * A signal while still starting exits 0 at once (runtime/starting-signals.ts, imported first on purpose).
 */
// First import: its signal handlers must be in place before the other modules are evaluated.
import "../../runtime/starting-signals.js";
import { runAppAndExit, startAppRuntimeOrExit } from "../../runtime/app-main.js";
import { loadConfigOrExit } from "../../runtime/app-runtime.js";
import { DEFAULTS } from "../../runtime/defaults.js";
import { createProducerMetrics } from "../../runtime/metrics/producer-metrics.js";
import { loadProducerConfig } from "./config.js";
import { Producer } from "./producer.js";
import { Publisher } from "./publisher.js";
import { Scheduler } from "./scheduler.js";

const config = loadConfigOrExit("producer", () => loadProducerConfig(process.env));
const runtime = await startAppRuntimeOrExit({ app: "producer", common: config.common });
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
await runAppAndExit({
  runtime,
  app: "producer",
  run: (signal) => producer.run(signal),
  progress: () => producer.summary(),
});
