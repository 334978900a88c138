/**
 * A stand-in for a Memphis broker on this machine, never deployed: a real nats-server with account `$memphis` (JetStream on,
 * user `<username>$<accountId>`, as a Memphis broker names its NATS users) plus a small NATS client that
 * answers the Memphis control plane (see `memphis-control-plane.ts` for what it does and does not do:
 * no msg-id dedup, no dead-letter store).
 *
 * Used by the Memphis integration tests, the bench and `npm run local -- --broker memphis`. A
 * cluster runs the Memphis Helm chart instead.
 */
import { randomBytes } from "node:crypto";
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import type { CommonVariables } from "./app-env.js";
import { NatsServer } from "./nats-server.js";
import { MemphisControlPlane } from "./memphis-control-plane.js";

/** Options of `startMemphisStandIn`. */
export interface MemphisStandInOptions {
  /**
   * Memphis user the apps log in as.
   * @default "root"
   */
  readonly username?: string;
  /**
   * Memphis account id (the NATS user is `username$accountId`).
   * @default 1
   */
  readonly accountId?: number;
  /** The nats-server's max_payload in bytes (its default 1 MiB). */
  readonly maxPayload?: number;
}

/** A running stand-in. */
export interface MemphisStandIn {
  /** What the apps need for BROKER=memphis (BROKER, BROKER_URL, BROKER_MONITOR_URL, BROKER_ACCOUNT, credentials). */
  readonly env: CommonVariables<
    | "BROKER"
    | "BROKER_URL"
    | "BROKER_MONITOR_URL"
    | "BROKER_ACCOUNT"
    | "BROKER_USERNAME"
    | "BROKER_PASSWORD"
    | "BROKER_ACCOUNT_ID"
  >;
  /** Client endpoint as Memphis takes it: `127.0.0.1:<port>`. */
  readonly url: string;
  /** Monitoring base URL (`/jsz?acc=$memphis…`). */
  readonly monitorUrl: string;
  /** The nats-server underneath (kill / restart in fault tests). */
  readonly server: NatsServer;
  readonly username: string;
  readonly password: string;
  readonly accountId: number;
  /** A NATS connection inside `$memphis`, for tests that inspect streams directly. */
  readonly connection: NatsConnection;
  stop(): Promise<void>;
}

/** NATS account every Memphis station lives in. */
export const MEMPHIS_ACCOUNT = "$memphis";
/** Internal user of the control-plane client. */
const CONTROL_PLANE_USER = "memphis-control-plane";

function accountConfig(natsUser: string, password: string, controlPassword: string): string {
  return [
    "accounts {",
    `  ${JSON.stringify(MEMPHIS_ACCOUNT)}: {`,
    "    jetstream: enabled",
    "    users: [",
    `      { user: ${JSON.stringify(natsUser)}, password: ${JSON.stringify(password)} }`,
    `      { user: ${JSON.stringify(CONTROL_PLANE_USER)}, password: ${JSON.stringify(controlPassword)} }`,
    "    ]",
    "  }",
    "}",
  ].join("\n");
}

/** Start nats-server with account `$memphis` and the control-plane responders. */
export async function startMemphisStandIn(options: MemphisStandInOptions = {}): Promise<MemphisStandIn> {
  const username = options.username ?? "root";
  const accountId = options.accountId ?? 1;
  const password = randomBytes(12).toString("hex");
  const controlPassword = randomBytes(12).toString("hex");
  const server = await NatsServer.start({
    extraConfig: accountConfig(`${username}$${accountId}`, password, controlPassword),
    ...(options.maxPayload === undefined ? {} : { maxPayload: options.maxPayload }),
  });
  let connection: NatsConnection | undefined;
  try {
    connection = await connect({
      servers: server.url,
      user: CONTROL_PLANE_USER,
      pass: controlPassword,
      name: "memphis-stand-in-control-plane",
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    });
    const plane = await MemphisControlPlane.start(connection);
    const url = `127.0.0.1:${server.port}`;
    const open = connection;
    return {
      env: {
        BROKER: "memphis",
        BROKER_URL: url,
        BROKER_MONITOR_URL: server.monitorUrl,
        BROKER_ACCOUNT: MEMPHIS_ACCOUNT,
        BROKER_USERNAME: username,
        BROKER_PASSWORD: password,
        BROKER_ACCOUNT_ID: String(accountId),
      },
      url,
      monitorUrl: server.monitorUrl,
      server,
      username,
      password,
      accountId,
      connection: open,
      async stop() {
        plane.stop();
        await open.close().catch(() => {});
        await server.stop();
      },
    };
  } catch (error) {
    await connection?.close().catch(() => {});
    await server.stop();
    throw error;
  }
}
