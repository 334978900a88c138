/**
 * The broker of a local run: a nats-server on free loopback ports with a fresh store, or (for
 * `--broker memphis`) the Memphis stand-in, imported only then, from test/support/memphis-stand-in.ts.
 */
import type { BrokerKind } from "../../../src/broker/port.js";
import { ensureNatsServerBinary, NatsServer } from "../nats-server.js";

export interface LocalBroker {
  /** BROKER, BROKER_URL, BROKER_MONITOR_URL, BROKER_ACCOUNT and credentials for the apps. */
  readonly env: Record<string, string>;
  /** One line for the operator. */
  readonly description: string;
  stop(): Promise<void>;
}

const STAND_IN = "../../../test/support/memphis-stand-in.js";

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
  let module: {
    startMemphisStandIn?: () => Promise<{ env: Record<string, string>; url: string; stop(): Promise<void> }>;
  };
  try {
    module = (await import(STAND_IN)) as typeof module;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND")
      throw new Error(
        "--broker memphis needs test/support/memphis-stand-in.ts (the Memphis stand-in, exporting startMemphisStandIn), which is not in this checkout yet. Use --broker nats.",
      );
    throw error;
  }
  if (typeof module.startMemphisStandIn !== "function")
    throw new Error("test/support/memphis-stand-in.ts does not export startMemphisStandIn()");
  const standIn = await module.startMemphisStandIn();
  return {
    env: standIn.env,
    description: `Memphis stand-in (nats-server with account $memphis) at ${standIn.url}`,
    stop: () => standIn.stop(),
  };
}
