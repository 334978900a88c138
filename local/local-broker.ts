/**
 * The broker of a local run: a nats-server on free loopback ports with a fresh store, or (for
 * `--broker memphis`) the Memphis stand-in (testkit/memphis-stand-in.ts), imported only then.
 */
import type { BrokerKind } from "../src/broker/port.js";
import type { BrokerEnv } from "../testkit/app-env.js";
import { ensureNatsServerBinary, NatsServer } from "../testkit/nats-server.js";

export interface LocalBroker {
  /** BROKER, BROKER_URL, BROKER_MONITOR_URL, BROKER_ACCOUNT and credentials for the apps. */
  readonly env: BrokerEnv;
  /** One line for the operator. */
  readonly description: string;
  stop(): Promise<void>;
}

export async function startLocalBroker(kind: BrokerKind, log: (line: string) => void): Promise<LocalBroker> {
  ensureNatsServerBinary(log);
  if (kind === "nats") {
    const server = await NatsServer.start();
    return {
      env: server.appEnv,
      description: `nats-server pid ${server.pid} at ${server.url} (monitor ${server.monitorUrl}, store ${server.storeDir})`,
      stop: () => server.stop(),
    };
  }
  const { startMemphisStandIn } = await import("../testkit/memphis-stand-in.js");
  const standIn = await startMemphisStandIn();
  return {
    env: standIn.env,
    description: `Memphis stand-in (nats-server with account $memphis) at ${standIn.url}`,
    stop: () => standIn.stop(),
  };
}
