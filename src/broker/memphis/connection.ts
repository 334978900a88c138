/**
 * Connection to a Memphis broker through the memphis-dev SDK: options mapped from `BrokerOptions`,
 * retried with exponential back-off at start-up (only transient failures), then reconnecting
 * forever on loss (the SDK's own reconnect). Credentials go to the SDK and nowhere else.
 */
import { withoutUserinfo } from "../../util/url-userinfo.js";
import { createMemphisInstance, type Memphis } from "memphis-dev";
import { retryConnect } from "../common/connect-retry.js";
import type { BrokerOptions } from "../options.js";
import { BROKER_DEFAULTS } from "../defaults.js";

/** Host and port of the broker's client endpoint. */
export interface MemphisEndpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * Parse `BROKER_URL` for Memphis: one `host:port` (or `host`, port 6666; an optional `nats://` prefix is
 * dropped). `localhost` becomes `127.0.0.1`: the SDK sleeps a second before every connection to a host
 * containing "localhost".
 */
export function parseEndpoint(url: string): MemphisEndpoint {
  const trimmed = url.trim().replace(/^(nats|tcp|https?):\/\//, "");
  if (trimmed.includes(",")) {
    throw new Error(
      `a Memphis broker URL must be one host:port (the SDK takes one endpoint), got "${withoutUserinfo(url)}"`,
    );
  }
  const match = /^([^:/\s]+|\[[0-9a-fA-F:]+\])(?::(\d+))?\/?$/.exec(trimmed);
  if (match === null)
    throw new Error(
      `a Memphis broker URL must be host:port, e.g. 127.0.0.1:6666, got "${withoutUserinfo(url)}"`,
    );
  const port = match[2] === undefined ? BROKER_DEFAULTS.memphis.port : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`a Memphis broker URL has an invalid port ${match[2]}, got "${withoutUserinfo(url)}"`);
  }
  const host = match[1] === "localhost" ? "127.0.0.1" : (match[1] as string);
  return { host, port };
}

/** The SDK's `connect()` argument. */
export type MemphisConnectOptions = Parameters<Memphis["connect"]>[0];

/**
 * Map `BrokerOptions` to the SDK's connect options: a user with a password or a connection token
 * (the contract checked at start-up that exactly one of them is set for BROKER=memphis).
 */
export function connectOptions(options: BrokerOptions): MemphisConnectOptions {
  const { host, port } = parseEndpoint(options.url);
  const hasToken = options.token !== undefined && options.token !== "";
  return {
    host,
    port,
    username: options.username ?? "",
    accountId: options.accountId,
    ...(hasToken ? { connectionToken: options.token } : { password: options.password }),
    reconnect: true,
    maxReconnect: -1,
    reconnectIntervalMs: BROKER_DEFAULTS.reconnectWaitMs,
    timeoutMs: BROKER_DEFAULTS.connectTimeoutMs,
    suppressLogs: true,
  };
}

/** Whether a failed connection attempt may succeed later. Bad credentials and bad options are permanent. */
export function isTransientConnectError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /AUTH|PERMISSION|BAD_/.test(code)) return false;
  const message = error instanceof Error ? error.message : String(error);
  return !/authorization|authentication|connect with one of the following methods|TLS/i.test(message);
}

/** Connect through the SDK: `options.connectRetries` retries of transient failures (common/connect-retry.ts). */
export async function connectMemphis(options: BrokerOptions): Promise<Memphis> {
  const sdkOptions = connectOptions(options);
  return retryConnect({
    attempt: () => createMemphisInstance().connect(sdkOptions),
    retries: options.connectRetries,
    isTransient: isTransientConnectError,
    failureMessage: (reason) =>
      `cannot connect to Memphis at ${sdkOptions.host}:${sdkOptions.port} as BROKER_USERNAME (a secret: not printed), account ${options.accountId}: ${reason}`,
  });
}
