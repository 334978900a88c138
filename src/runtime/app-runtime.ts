/**
 * What both apps start the same way: logger, metrics registry, HTTP endpoint, broker connection
 * (provisioned, its connection state feeding readiness), queue-depth poller and signal handling.
 */
import { connectBroker } from "../broker/index.js";
import { withoutUserinfo } from "../util/url-userinfo.js";
import type { Broker } from "../broker/port.js";
import type { Registry } from "prom-client";
import type { CommonConfig } from "./config/common-contract.js";
import { ConfigError } from "./config/config-error.js";
import { DEFAULTS } from "./defaults.js";
import { AppHttpServer } from "./http-server.js";
import { createLogger, type Logger } from "./logger.js";
import { createQueueDepthGauge } from "./metrics/queue-depth-metric.js";
import { createRegistry } from "./metrics/registry.js";
import { QueueDepthPoller } from "./queue-depth-poller.js";
import { Readiness } from "./readiness.js";
import { ShutdownSignal } from "./shutdown.js";

export type AppName = "producer" | "consumer";

/** Load config with `load`; on a `ConfigError` print it to stderr and exit 2 at once. */
export function loadConfigOrExit<T>(app: AppName, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${app}: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

export interface AppRuntime {
  readonly logger: Logger;
  readonly registry: Registry;
  readonly readiness: Readiness;
  readonly http: AppHttpServer;
  readonly broker: Broker;
  readonly shutdown: ShutdownSignal;
  /** Stop the poller, close the broker and the HTTP server. */
  close(): Promise<void>;
}

export interface AppRuntimeProps {
  readonly app: AppName;
  readonly common: CommonConfig;
  /** Readiness conditions the app sets itself besides `broker` and `running`. */
  readonly readinessConditions?: readonly string[];
}

export async function startAppRuntime(props: AppRuntimeProps): Promise<AppRuntime> {
  const { common } = props;
  const logger = createLogger({
    app: props.app,
    instance: common.instanceId,
    consumerGroup: common.broker.consumerGroup,
    level: common.logLevel,
  });
  const registry = createRegistry(props.app);
  const readiness = new Readiness(["broker", ...(props.readinessConditions ?? [])]);
  const shutdown = new ShutdownSignal({
    onSignal: (signal) => {
      readiness.set("running", false);
      logger.info({ signal }, "shutting down");
    },
    onForce: (signal) => logger.warn({ signal }, "second signal: exiting now"),
  });
  const http = await AppHttpServer.start({ port: common.httpPort, registry, readiness });
  const { password: _p, token: _t, username: _u, ...printable } = common.broker;
  logger.info(
    {
      broker: {
        ...printable,
        url: withoutUserinfo(printable.url),
        monitorUrl: withoutUserinfo(printable.monitorUrl),
      },
      httpPort: http.port,
    },
    "starting",
  );
  let broker: Broker;
  // A signal while connecting or provisioning (both retry for a while) exits 0 at once through
  // starting-signals.ts, whose handlers run before this runtime's ShutdownSignal.
  try {
    broker = await connectBroker(common.broker);
    if (common.provision === "on-start") await broker.provision();
  } catch (error) {
    await http.close();
    shutdown.dispose();
    throw error;
  }
  broker.onEvent((event) => {
    if (event.type === "disconnected") {
      readiness.set("broker", false);
      logger.warn("broker connection lost");
    } else if (event.type === "reconnected") {
      readiness.set("broker", true);
      logger.info("broker reconnected");
    } else {
      logger.warn({ err: event.error }, "broker error");
    }
  });
  readiness.set("broker", true);
  const poller = new QueueDepthPoller({
    broker,
    gauge: createQueueDepthGauge(registry),
    logger,
    intervalMs: DEFAULTS.queueDepthIntervalMs,
  });
  poller.start();
  return {
    logger,
    registry,
    readiness,
    http,
    broker,
    shutdown,
    async close() {
      readiness.set("running", false);
      await poller.stop();
      await broker.close().catch((error: unknown) => logger.warn({ err: error }, "broker close failed"));
      await http.close();
      shutdown.dispose();
    },
  };
}

/**
 * `--provision-only` (the cluster's provisioning Job): create the stream or station, the dead-letter
 * stream and the durable consumer group, log the queue depth, close and exit 0 (1 on failure). It
 * never consumes, so the group exists with its backlog intact while no consumer runs.
 */
export async function provisionAndExit(app: AppName, common: CommonConfig): Promise<void> {
  const logger = createLogger({
    app,
    instance: common.instanceId,
    consumerGroup: common.broker.consumerGroup,
    level: common.logLevel,
  });
  try {
    const broker = await connectBroker(common.broker);
    try {
      await broker.provision();
      const depth = await broker
        .queueDepth()
        .catch((error: unknown) => logger.warn({ err: error }, "queue depth not readable yet"));
      logger.info({ stream: common.broker.stream, depth }, "provisioned; exiting (--provision-only)");
    } finally {
      await broker.close();
    }
    exitAfterFlush(logger, 0);
  } catch (error) {
    logger.error({ err: error }, "provisioning failed");
    exitAfterFlush(logger, 1);
  }
}

/** Flush the logger, then exit. */
export function exitAfterFlush(logger: Logger, code: number): void {
  logger.flush(() => process.exit(code));
}
