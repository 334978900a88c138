/**
 * Where a raw baseline worker connects and what it publishes to / consumes from, passed from the
 * harness to the worker process as `RAW_*` environment variables (so the worker needs no flags).
 */
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";

/** How messages are addressed: a plain JetStream stream, or the stream behind a Memphis station. */
export type RawStyle = "nats" | "memphis";

/** A JetStream stream, its publish subject and the durable consumer group on it. */
export interface RawTarget {
  /** NATS servers, comma-separated (`nats://127.0.0.1:4222` or `127.0.0.1:6666`). */
  readonly servers: string;
  /** NATS user and password (Memphis: `root$1`), when the server wants them. */
  readonly user?: string | undefined;
  readonly pass?: string | undefined;
  /** JetStream stream name (`events`, or `events$1` behind a Memphis station). */
  readonly stream: string;
  /** Subject messages are published to. */
  readonly subject: string;
  /** Durable pull consumer of the consumer group. */
  readonly durable: string;
  /** Header style of a publish: NATS dedup header, or the headers the Memphis SDK sets. */
  readonly style: RawStyle;
}

const PREFIX = "RAW_";

/** The target as environment variables for a worker process. */
export function rawTargetEnv(target: RawTarget): Record<string, string> {
  const env: Record<string, string> = {
    [`${PREFIX}SERVERS`]: target.servers,
    [`${PREFIX}STREAM`]: target.stream,
    [`${PREFIX}SUBJECT`]: target.subject,
    [`${PREFIX}DURABLE`]: target.durable,
    [`${PREFIX}STYLE`]: target.style,
  };
  if (target.user !== undefined) env[`${PREFIX}USER`] = target.user;
  if (target.pass !== undefined) env[`${PREFIX}PASS`] = target.pass;
  return env;
}

/** Read the target back in the worker; throws naming the missing or bad variable. */
export function rawTargetFromEnv(env: Readonly<Record<string, string | undefined>>): RawTarget {
  const required = (name: string): string => {
    const value = env[`${PREFIX}${name}`];
    if (value === undefined || value === "") throw new Error(`${PREFIX}${name} is required`);
    return value;
  };
  const style = required("STYLE");
  if (style !== "nats" && style !== "memphis")
    throw new Error(`${PREFIX}STYLE must be nats or memphis, got "${style}"`);
  return {
    servers: required("SERVERS"),
    user: env[`${PREFIX}USER`],
    pass: env[`${PREFIX}PASS`],
    stream: required("STREAM"),
    subject: required("SUBJECT"),
    durable: required("DURABLE"),
    style,
  };
}

/** Plain NATS connection to the target (no reconnect tuning: a bench run fails rather than waits). */
export function connectRaw(target: RawTarget, name: string): Promise<NatsConnection> {
  return connect({
    servers: target.servers.split(",").map((s) => s.trim()),
    user: target.user,
    pass: target.pass,
    name,
  });
}

/** A non-negative integer environment variable, or `fallback`. */
export function intEnv(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  fallback: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0, got "${raw}"`);
  return value;
}
