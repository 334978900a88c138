/**
 * Connection to NATS: retried with exponential back-off at start-up (only transient failures),
 * then reconnecting forever on loss. Credentials go to the client and nowhere else.
 */
import { errors, type ConnectionOptions, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { withoutUserinfo } from "../../util/url-userinfo.js";
import { retryConnect } from "../common/connect-retry.js";
import { natsInboxPrefix } from "./names.js";
import { BROKER_DEFAULTS } from "../defaults.js";
import type { BrokerOptions } from "../options.js";

/** Server URLs from a comma-separated list; throws naming the option when it is empty. */
export function parseServers(url: string): string[] {
  const servers = url
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (servers.length === 0)
    throw new Error(`a NATS broker URL must list at least one nats:// URL, got "${withoutUserinfo(url)}"`);
  return servers;
}

/** A server URL with any `user:password@` part masked, for messages. */
export function redactUrl(url: string): string {
  // Up to the last "@" before the path: a password may hold an unescaped "@".
  return url.replace(/\/\/[^/]*@/, "//***@");
}

/** Client options for `connect`, without the secret values ever leaving this object. */
export function connectionOptions(options: BrokerOptions): ConnectionOptions {
  const auth: Partial<ConnectionOptions> = {};
  if (options.token) auth.token = options.token;
  if (options.username) {
    auth.user = options.username;
    auth.pass = options.password ?? "";
  }
  return {
    servers: parseServers(options.url),
    name: options.clientName,
    maxReconnectAttempts: -1,
    reconnectTimeWait: BROKER_DEFAULTS.reconnectWaitMs,
    timeout: BROKER_DEFAULTS.connectTimeoutMs,
    pingInterval: BROKER_DEFAULTS.nats.pingIntervalMs,
    maxPingOut: BROKER_DEFAULTS.nats.maxPingOut,
    inboxPrefix: natsInboxPrefix(options.username),
    ...auth,
  };
}

/**
 * Whether a failed connection attempt may succeed later: refused / unreachable / timed out
 * (the server is starting, DNS not yet there). Authorization and invalid options are permanent.
 */
export function isTransientConnectError(error: unknown): boolean {
  if (error instanceof errors.AuthorizationError) return false;
  if (error instanceof errors.UserAuthenticationExpiredError) return false;
  if (error instanceof errors.InvalidArgumentError) return false;
  if (error instanceof errors.InvalidOperationError) return false;
  if (error instanceof errors.ConnectionError) return true;
  if (error instanceof errors.TimeoutError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === "string" &&
    [
      "ECONNREFUSED",
      "ECONNRESET",
      "ETIMEDOUT",
      "EHOSTUNREACH",
      "ENETUNREACH",
      "ENOTFOUND",
      "EAI_AGAIN",
    ].includes(code)
  );
}

/** Connect to NATS: `options.connectRetries` retries of transient failures (common/connect-retry.ts). */
export async function connectNats(options: BrokerOptions): Promise<NatsConnection> {
  const connectOptions = connectionOptions(options);
  return retryConnect({
    attempt: () => connect(connectOptions),
    retries: options.connectRetries,
    isTransient: isTransientConnectError,
    failureMessage: (reason, attempts) =>
      `cannot connect to NATS at ${parseServers(options.url).map(redactUrl).join(",")} as "${options.clientName}" after ${attempts} attempt(s): ${reason}`,
  });
}
