/**
 * The variables both apps read (broker connection, stream and group names, delivery bounds, HTTP
 * and logging) and the rules across them, some only for one BROKER. Each app's contract extends
 * these (src/apps/<app>/contract.ts); this is the one place their names, defaults and ranges live.
 */
import { hostname } from "node:os";
import { MEMPHIS_LIMITS } from "../../broker/memphis/limits.js";
import { brokerNaming } from "../../broker/naming.js";
import type { BrokerOptions } from "../../broker/options.js";
import type { BrokerKind } from "../../broker/port.js";
import { DEFAULTS } from "../defaults.js";
import type { ConfigProblem } from "./config-error.js";
import type { ContractRule, Settings, Values } from "./contract.js";
import { choice, entryName, httpUrl, integer, tcpPort, text, token } from "./setting.js";

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const BROKER_KINDS = ["nats", "memphis"] as const satisfies readonly BrokerKind[];

/** Whether an app creates its stream and group when it starts, or leaves that to the provisioning Job. */
export const PROVISION_MODES = ["on-start", "never"] as const;
export type ProvisionMode = (typeof PROVISION_MODES)[number];

export const COMMON_SETTINGS = {
  BROKER: choice<BrokerKind>({
    choices: BROKER_KINDS,
    default: "nats",
    description: "Broker adapter: nats (JetStream) or memphis",
    example: "nats",
    brokerOption: "kind",
  }),
  BROKER_URL: text({
    url: true,
    description: "Broker client endpoints, comma-separated: nats://host:4222 for nats, host:6666 for memphis",
    example: "nats://nats.messaging:4222",
    brokerOption: "url",
  }),
  BROKER_MONITOR_URL: httpUrl({
    description:
      "Broker monitoring endpoint (port 8222), read for queue depth; in a cluster the consumer group's leader is found from it (one URL per node, comma-separated, where nodes share no DNS parent)",
    example: "http://nats.messaging:8222",
    brokerOption: "monitorUrl",
  }),
  BROKER_ACCOUNT: text({
    optional: true,
    description: `Monitoring account of the stream (default "${brokerNaming("nats").account}" for nats, "${brokerNaming("memphis").account}" for memphis)`,
    example: brokerNaming("nats").account,
    defaultNote: `${brokerNaming("nats").account} / ${brokerNaming("memphis").account}`,
    brokerOption: "account",
  }),
  BROKER_USERNAME: text({
    optional: true,
    secret: true,
    description: "Broker user (secret)",
    example: "pipeline",
    brokerOption: "username",
  }),
  BROKER_PASSWORD: text({
    optional: true,
    secret: true,
    description: "Broker password (secret)",
    example: "s3cret",
    brokerOption: "password",
  }),
  BROKER_TOKEN: text({
    optional: true,
    secret: true,
    description: "Broker token, instead of user + password (secret)",
    example: "t0ken",
    brokerOption: "token",
  }),
  BROKER_ACCOUNT_ID: integer({
    min: 1,
    default: 1,
    description: "Memphis account id (the NATS user becomes username$accountId)",
    example: "1",
    brokerOption: "accountId",
  }),
  STREAM: token({
    default: "events",
    description: "Stream (NATS) or station (Memphis) name",
    example: "events",
    brokerOption: "stream",
  }),
  CONSUMER_GROUP: token({
    default: "event-consumers",
    description: "Durable consumer group name",
    example: "event-consumers",
    brokerOption: "consumerGroup",
  }),
  DEAD_LETTER_STREAM: token({
    default: "events-dlq",
    description: "Dead-letter stream or station",
    example: "events-dlq",
    brokerOption: "deadLetterStream",
  }),
  ACK_WAIT_MS: integer({
    min: 100,
    default: 30_000,
    description: "Time a delivered message may stay unacknowledged before redelivery (ms)",
    example: "30000",
    brokerOption: "ackWaitMs",
  }),
  MAX_DELIVERIES: integer({
    min: 1,
    // Memphis's bound; the apps use the same bound on both brokers.
    max: MEMPHIS_LIMITS.maxDeliveries,
    default: 5,
    description: `Deliveries before a failing message is dead-lettered (1..${MEMPHIS_LIMITS.maxDeliveries}, Memphis's bound)`,
    example: "5",
    brokerOption: "maxDeliveries",
  }),
  RETENTION_SECONDS: integer({
    min: 1,
    default: 604_800,
    description: "Stream retention (s); always set explicitly: Memphis defaults to 1 h",
    example: "604800",
    brokerOption: "retentionSeconds",
  }),
  DEDUP_WINDOW_MS: integer({
    min: 100,
    default: 120_000,
    description: "Publish dedup window (ms)",
    example: "120000",
    brokerOption: "dedupWindowMs",
  }),
  STREAM_REPLICAS: integer({
    min: 1,
    max: 5,
    default: 1,
    description:
      "Replicas of the stream, the dead-letter stream and the consumer group (NATS num_replicas, Memphis station replicas); above 1 needs a clustered broker",
    example: "3",
    brokerOption: "streamReplicas",
  }),
  PROVISION: choice<ProvisionMode>({
    choices: PROVISION_MODES,
    default: "on-start",
    description:
      "on-start: create or update the stream, the dead-letter stream and the consumer group at start-up; never: only use them (the provisioning Job creates them; for broker users without rights to the JetStream API)",
    example: "never",
  }),
  HTTP_PORT: tcpPort({
    default: 8080,
    description: "Port of /livez, /readyz and /metrics (container port name http)",
    example: "8080",
  }),
  LOG_LEVEL: choice<LogLevel>({
    choices: LOG_LEVELS,
    default: "info",
    description: "pino log level",
    example: "info",
  }),
  INSTANCE_ID: token({
    optional: true,
    description: "Instance name in logs and metrics (default: hostname)",
    example: "consumer-7f9c-abcde",
    defaultNote: "hostname",
  }),
} as const satisfies Settings;

type CommonSettings = typeof COMMON_SETTINGS;
type CommonValues = Values<CommonSettings>;

const NATS_URL = /^(nats|tls|ws|wss):\/\/[^\s/]+(:\d+)?\/?$/;
const HOST_PORT = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;

const NAME_VARIABLES = ["STREAM", "DEAD_LETTER_STREAM", "CONSUMER_GROUP"] as const;

function brokerUrlRule(
  kind: BrokerKind,
  pattern: RegExp,
  shape: string,
  oneEndpoint: boolean,
): ContractRule<CommonSettings> {
  return {
    variables: ["BROKER", "BROKER_URL"],
    broker: kind,
    description: oneEndpoint
      ? `BROKER_URL is one ${shape} endpoint (the SDK takes one)`
      : `BROKER_URL is a comma-separated list of ${shape} endpoints`,
    // Entries are named by position, never quoted: a URL may carry `user:password@`.
    check: (v) => {
      const entries = v.BROKER_URL.split(",").map((e) => e.trim());
      if (oneEndpoint && entries.length > 1)
        return [
          {
            name: "BROKER_URL",
            message: `must be one ${shape} for BROKER=${kind} (the SDK takes one endpoint), got ${entries.length}`,
          },
        ];
      const bad = entries.flatMap((e, index) => (pattern.test(e) ? [] : [entryName(index, entries.length)]));
      return bad.length === 0
        ? []
        : [
            {
              name: "BROKER_URL",
              message: `${bad.join(", ")} ${bad.length === 1 ? "is" : "are"} not a ${shape} endpoint for BROKER=${kind}`,
            },
          ];
    },
  };
}

function namesRule(kind: BrokerKind): ContractRule<CommonSettings> {
  const naming = brokerNaming(kind);
  return {
    variables: ["BROKER", ...NAME_VARIABLES],
    broker: kind,
    description: `STREAM, DEAD_LETTER_STREAM and CONSUMER_GROUP match ${naming.namePatternText}; DEAD_LETTER_STREAM differs from STREAM`,
    check: (v) => {
      const problems: ConfigProblem[] = [];
      for (const name of NAME_VARIABLES)
        if (!naming.namePattern.test(v[name]))
          problems.push({
            name,
            message: `"${v[name]}" must match ${naming.namePatternText} for BROKER=${kind}`,
          });
      if (naming.streamName(v.STREAM) === naming.streamName(v.DEAD_LETTER_STREAM))
        problems.push({
          name: "DEAD_LETTER_STREAM",
          message: `must differ from STREAM, both are "${v.STREAM}"`,
        });
      return problems;
    },
  };
}

export const COMMON_RULES: readonly ContractRule<CommonSettings>[] = [
  brokerUrlRule("nats", NATS_URL, "nats://host:port", false),
  brokerUrlRule("memphis", HOST_PORT, "host:port", true),
  namesRule("nats"),
  namesRule("memphis"),
  {
    variables: ["BROKER", "BROKER_USERNAME", "BROKER_PASSWORD", "BROKER_TOKEN"],
    broker: "nats",
    description: "BROKER_USERNAME and BROKER_PASSWORD are set together, or BROKER_TOKEN alone, or none",
    check: (v) => {
      const hasUser = v.BROKER_USERNAME !== undefined;
      const problems: ConfigProblem[] = [];
      if (hasUser !== (v.BROKER_PASSWORD !== undefined))
        problems.push({
          name: hasUser ? "BROKER_PASSWORD" : "BROKER_USERNAME",
          message: "BROKER_USERNAME and BROKER_PASSWORD must be set together",
        });
      if (v.BROKER_TOKEN !== undefined && hasUser)
        problems.push({
          name: "BROKER_TOKEN",
          message: "set either BROKER_TOKEN or BROKER_USERNAME/BROKER_PASSWORD",
        });
      return problems;
    },
  },
  {
    variables: ["BROKER", "BROKER_USERNAME", "BROKER_PASSWORD", "BROKER_TOKEN"],
    broker: "memphis",
    description:
      "BROKER_USERNAME (the Memphis user; the SDK logs in as username$accountId) with exactly one of BROKER_PASSWORD and BROKER_TOKEN",
    check: (v) => {
      const problems: ConfigProblem[] = [];
      if (v.BROKER_USERNAME === undefined || v.BROKER_USERNAME === "")
        problems.push({
          name: "BROKER_USERNAME",
          message: "is required for BROKER=memphis (the Memphis user, e.g. root)",
        });
      const hasPassword = v.BROKER_PASSWORD !== undefined && v.BROKER_PASSWORD !== "";
      const hasToken = v.BROKER_TOKEN !== undefined && v.BROKER_TOKEN !== "";
      if (hasPassword === hasToken)
        problems.push({
          name: hasToken ? "BROKER_TOKEN" : "BROKER_PASSWORD",
          message: `BROKER=memphis takes BROKER_PASSWORD or BROKER_TOKEN, ${hasToken ? "not both (both are set)" : "one of them (neither is set)"}`,
        });
      return problems;
    },
  },
  {
    variables: ["DEDUP_WINDOW_MS", "RETENTION_SECONDS"],
    broker: "nats",
    description: "DEDUP_WINDOW_MS is at most RETENTION_SECONDS (in ms): JetStream refuses a longer window",
    check: (v) =>
      v.DEDUP_WINDOW_MS > v.RETENTION_SECONDS * 1000
        ? [
            {
              name: "DEDUP_WINDOW_MS",
              message: `(${v.DEDUP_WINDOW_MS}) must not exceed RETENTION_SECONDS (${v.RETENTION_SECONDS}) in ms`,
            },
          ]
        : [],
  },
];

/** `BrokerOptions` fields that come from elsewhere than a defaulted variable of the contract. */
const NOT_DEFAULTED = [
  "kind",
  "url",
  "monitorUrl",
  "account",
  "username",
  "password",
  "token",
  "clientName",
  "connectRetries",
] as const satisfies readonly (keyof BrokerOptions)[];

/** The `BrokerOptions` fields whose default the contract states (names, delivery bounds, retention, …). */
export type DefaultedBrokerOptions = Omit<BrokerOptions, (typeof NOT_DEFAULTED)[number]>;

/** The contract's variable of each defaulted broker option (e.g. `stream` → `STREAM`). */
export const BROKER_OPTION_VARIABLES = Object.fromEntries(
  Object.entries(COMMON_SETTINGS).flatMap(([name, setting]) =>
    setting.brokerOption !== undefined && !(NOT_DEFAULTED as readonly string[]).includes(setting.brokerOption)
      ? [[setting.brokerOption, name]]
      : [],
  ),
) as Readonly<Record<keyof DefaultedBrokerOptions, keyof CommonSettings>>;

/** The contract's defaults of the broker options: what tests, the bench and the manifests start from. */
export const BROKER_OPTION_DEFAULTS = Object.fromEntries(
  Object.entries(BROKER_OPTION_VARIABLES).map(([option, name]) => [option, COMMON_SETTINGS[name].default]),
) as unknown as DefaultedBrokerOptions;

/** The common settings, resolved. */
export interface CommonConfig {
  readonly broker: BrokerOptions;
  /** Whether the app provisions the stream and group when it starts. */
  readonly provision: ProvisionMode;
  readonly httpPort: number;
  readonly logLevel: LogLevel;
  readonly instanceId: string;
}

/** The parsed common variables as the adapters and the runtime take them. */
export function toCommonConfig(values: CommonValues): CommonConfig {
  const instanceId = values.INSTANCE_ID ?? hostname();
  const fromContract: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(COMMON_SETTINGS))
    if (setting.brokerOption !== undefined)
      fromContract[setting.brokerOption] = values[name as keyof CommonValues];
  return {
    broker: {
      ...(fromContract as Omit<BrokerOptions, "clientName" | "connectRetries">),
      account: values.BROKER_ACCOUNT ?? brokerNaming(values.BROKER).account,
      clientName: instanceId,
      connectRetries: DEFAULTS.connectRetries,
    },
    provision: values.PROVISION,
    httpPort: values.HTTP_PORT,
    logLevel: values.LOG_LEVEL,
    instanceId,
  };
}
