/**
 * Environment variables both apps read: broker connection, stream/group names, delivery bounds,
 * HTTP and logging. Every variable has a description and an example.
 */
import { hostname } from "node:os";
import { str } from "envalid";
import type { BrokerOptions } from "../../broker/options.js";
import type { BrokerKind } from "../../broker/port.js";
import { DEFAULTS } from "../defaults.js";
import type { ConfigProblem } from "./config-error.js";
import { httpUrl, intInRange, tcpPort, token } from "./validators.js";

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Variables whose values are never printed. */
export const SECRET_VARIABLES = ["BROKER_USERNAME", "BROKER_PASSWORD", "BROKER_TOKEN"] as const;

export const commonEnvSpecs = {
  BROKER: str<BrokerKind>({
    choices: ["nats", "memphis"],
    default: DEFAULTS.broker,
    desc: "Broker adapter: nats (JetStream) or memphis",
    example: "nats",
  }),
  BROKER_URL: str({
    desc: "Broker client endpoints, comma-separated: nats://host:4222 for nats, host:6666 for memphis",
    example: "nats://nats.messaging:4222",
  }),
  BROKER_MONITOR_URL: httpUrl({
    desc: "Broker monitoring endpoint (port 8222), read for queue depth",
    example: "http://nats.messaging:8222",
  }),
  BROKER_ACCOUNT: str({
    default: undefined,
    desc: `Monitoring account of the stream (default "${DEFAULTS.natsAccount}" for nats, "${DEFAULTS.memphisAccount}" for memphis)`,
    example: DEFAULTS.natsAccount,
  }),
  BROKER_USERNAME: str({ default: undefined, desc: "Broker user (secret)", example: "pipeline" }),
  BROKER_PASSWORD: str({ default: undefined, desc: "Broker password (secret)", example: "s3cret" }),
  BROKER_TOKEN: str({
    default: undefined,
    desc: "Broker token, instead of user + password (secret)",
    example: "t0ken",
  }),
  BROKER_ACCOUNT_ID: intInRange(1)({
    default: DEFAULTS.accountId,
    desc: "Memphis account id (the NATS user becomes username$accountId)",
    example: "1",
  }),
  STREAM: token({
    default: DEFAULTS.stream,
    desc: "Stream (NATS) or station (Memphis) name",
    example: "events",
  }),
  CONSUMER_GROUP: token({
    default: DEFAULTS.consumerGroup,
    desc: "Durable consumer group name",
    example: "event-consumers",
  }),
  DEAD_LETTER_STREAM: token({
    default: DEFAULTS.deadLetterStream,
    desc: "Dead-letter stream or station",
    example: "events-dlq",
  }),
  ACK_WAIT_MS: intInRange(100)({
    default: DEFAULTS.ackWaitMs,
    desc: "Time a delivered message may stay unacknowledged before redelivery (ms)",
    example: "30000",
  }),
  MAX_DELIVERIES: intInRange(
    1,
    DEFAULTS.maxDeliveriesLimit,
  )({
    default: DEFAULTS.maxDeliveries,
    desc: `Deliveries before a failing message is dead-lettered (1..${DEFAULTS.maxDeliveriesLimit})`,
    example: "5",
  }),
  RETENTION_SECONDS: intInRange(1)({
    default: DEFAULTS.retentionSeconds,
    desc: "Stream retention (s)",
    example: "604800",
  }),
  DEDUP_WINDOW_MS: intInRange(100)({
    default: DEFAULTS.dedupWindowMs,
    desc: "Publish dedup window (ms)",
    example: "120000",
  }),
  HTTP_PORT: tcpPort({
    default: DEFAULTS.httpPort,
    desc: "Port of /livez, /readyz and /metrics (container port name http)",
    example: "8080",
  }),
  LOG_LEVEL: str<LogLevel>({
    choices: LOG_LEVELS,
    default: DEFAULTS.logLevel,
    desc: "pino log level",
    example: "info",
  }),
  INSTANCE_ID: token({
    default: undefined,
    desc: "Instance name in logs and metrics (default: hostname)",
    example: "consumer-7f9c-abcde",
  }),
};

type Spec = typeof commonEnvSpecs;

/** The common settings, resolved. */
export interface CommonConfig {
  readonly broker: BrokerOptions;
  readonly httpPort: number;
  readonly logLevel: LogLevel;
  readonly instanceId: string;
}

const NATS_URL = /^(nats|tls|ws|wss):\/\/[^\s/]+(:\d+)?\/?$/;
const HOST_PORT = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;

/** Cross-field checks of the common variables. */
export function checkCommon(values: Partial<{ [K in keyof Spec]: unknown }>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const kind = values.BROKER as BrokerKind | undefined;
  const url = values.BROKER_URL as string | undefined;
  if (kind !== undefined && url !== undefined) {
    const entries = url.split(",").map((e) => e.trim());
    const pattern = kind === "nats" ? NATS_URL : HOST_PORT;
    const bad = entries.filter((e) => !pattern.test(e));
    if (bad.length > 0)
      problems.push({
        name: "BROKER_URL",
        message: `${bad.map((b) => `"${b}"`).join(", ")} is not a ${
          kind === "nats" ? "nats://host:port" : "host:port"
        } endpoint for BROKER=${kind}`,
      });
  }
  const hasUser = values.BROKER_USERNAME !== undefined;
  const hasPassword = values.BROKER_PASSWORD !== undefined;
  if (hasUser !== hasPassword)
    problems.push({
      name: hasUser ? "BROKER_PASSWORD" : "BROKER_USERNAME",
      message: "BROKER_USERNAME and BROKER_PASSWORD must be set together",
    });
  if (values.BROKER_TOKEN !== undefined && hasUser)
    problems.push({
      name: "BROKER_TOKEN",
      message: "set either BROKER_TOKEN or BROKER_USERNAME/BROKER_PASSWORD",
    });
  return problems;
}

/** Resolve the common variables (after validation) into `CommonConfig`. */
export function toCommonConfig(values: { readonly [K in keyof Spec]: unknown }): CommonConfig {
  const kind = values.BROKER as BrokerKind;
  const instanceId = (values.INSTANCE_ID as string | undefined) ?? hostname();
  return {
    broker: {
      kind,
      url: values.BROKER_URL as string,
      monitorUrl: values.BROKER_MONITOR_URL as string,
      account:
        (values.BROKER_ACCOUNT as string | undefined) ??
        (kind === "memphis" ? DEFAULTS.memphisAccount : DEFAULTS.natsAccount),
      stream: values.STREAM as string,
      consumerGroup: values.CONSUMER_GROUP as string,
      deadLetterStream: values.DEAD_LETTER_STREAM as string,
      ackWaitMs: values.ACK_WAIT_MS as number,
      maxDeliveries: values.MAX_DELIVERIES as number,
      retentionSeconds: values.RETENTION_SECONDS as number,
      dedupWindowMs: values.DEDUP_WINDOW_MS as number,
      username: values.BROKER_USERNAME as string | undefined,
      password: values.BROKER_PASSWORD as string | undefined,
      token: values.BROKER_TOKEN as string | undefined,
      accountId: values.BROKER_ACCOUNT_ID as number,
      clientName: instanceId,
      connectRetries: DEFAULTS.connectRetries,
    },
    httpPort: values.HTTP_PORT as number,
    logLevel: values.LOG_LEVEL as LogLevel,
    instanceId,
  };
}
