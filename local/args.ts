/** Flags of `npm run local -- …`, validated; every error names the flag and the bad value. */
import { ENVIRONMENT_NAMES, type EnvironmentName } from "../cdk8s/config.js";
import type { BrokerKind } from "../src/broker/port.js";
import { parseCli, usageError, type CliOption, type CliSpec } from "../tooling/cli.js";

export interface LocalRunArgs {
  /** Seconds to run; undefined: until Ctrl-C (or, in the demonstration, until the cycle is over). */
  readonly durationSeconds: number | undefined;
  /** Producer rate override (msg/s); undefined: the demonstration's load profile, or the env's rate with --consumers. */
  readonly rate: number | undefined;
  readonly broker: BrokerKind;
  /** A fixed consumer count instead of the scaler; undefined: the scaler decides. */
  readonly consumers: number | undefined;
  /** WORK_TIME_MS override; undefined: the Deployment's value. */
  readonly workMs: number | undefined;
  /** dist-manifests/<env>/ to read the ScaledObject and Deployment from. */
  readonly env: EnvironmentName;
  /** Divides every controller interval; undefined: the demonstration's speed. */
  readonly speed: number | undefined;
  /** The producer's LOAD_PROFILE (checked by the producer's config); undefined: the demonstration's or a constant rate. */
  readonly profile: string | undefined;
  /** Run the apps already in dist/ instead of building them first. */
  readonly skipBuild: boolean;
}

export const LOCAL_RUN_CLI = {
  usage: "npm run local -- [flags]",
  description:
    "Runs the pipeline on this machine: a broker, the producer, and the consumers scaled the way KEDA and the HPA\n" +
    "would scale them from dist-manifests/<env>/. With no flags: a demonstration of one scaling cycle,\n" +
    "0 -> N -> 0 consumers, in about 2 minutes.",
  options: {
    env: {
      type: "string",
      default: "dev",
      valueName: "dev|prod",
      help: "manifests to scale by: dist-manifests/<env>/ (default dev)",
    },
    speed: {
      type: "string",
      valueName: "K",
      help: "divide every controller interval by K (default 10; 1 = the cluster's timing)",
    },
    rate: {
      type: "string",
      valueName: "msg/s",
      help: "constant producer rate instead of the demonstration's rise and fall",
    },
    duration: {
      type: "string",
      valueName: "s",
      help: "stop after this many seconds (default: at the end of the cycle, or Ctrl-C)",
    },
    consumers: { type: "string", valueName: "N", help: "run N consumers, no scaler" },
    "work-ms": {
      type: "string",
      valueName: "ms",
      help: "simulated work per message (default: WORK_TIME_MS of the Deployment)",
    },
    broker: {
      type: "string",
      default: "nats",
      valueName: "nats|memphis",
      help: "nats (default) or memphis (the Memphis stand-in of testkit/ on nats-server)",
    },
    profile: {
      type: "string",
      valueName: "LOAD_PROFILE",
      help: "the producer's LOAD_PROFILE, e.g. steps:150@40s,0@60m (--rate is its base rate)",
    },
    "skip-build": { type: "boolean", help: "run the apps already in dist/ (no npm run build first)" },
  },
} as const satisfies CliSpec<Record<string, CliOption>>;

function number(
  flag: string,
  text: string | undefined,
  check: (n: number) => boolean,
  rule: string,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || !check(value))
    throw usageError(LOCAL_RUN_CLI, `--${flag} "${text}" must be ${rule}`);
  return value;
}

/**
 * The parsed flags. Throws `CliExit`: 0 with the usage for --help, 2 with the problem and the
 * usage for a bad flag or value.
 */
export function parseLocalRunArgs(argv: readonly string[]): LocalRunArgs {
  const { values } = parseCli(LOCAL_RUN_CLI, argv);
  if (values.broker !== "nats" && values.broker !== "memphis")
    throw usageError(LOCAL_RUN_CLI, `--broker "${values.broker}" must be nats or memphis`);
  const env = values.env as EnvironmentName;
  if (!ENVIRONMENT_NAMES.includes(env))
    throw usageError(LOCAL_RUN_CLI, `--env "${values.env}" must be one of ${ENVIRONMENT_NAMES.join(", ")}`);
  return {
    durationSeconds: number("duration", values.duration, (n) => n > 0, "a number of seconds > 0"),
    rate: number("rate", values.rate, (n) => n >= 0, "a rate >= 0 (msg/s)"),
    broker: values.broker,
    consumers: number(
      "consumers",
      values.consumers,
      (n) => Number.isInteger(n) && n >= 1 && n <= 32,
      "an integer from 1 to 32",
    ),
    workMs: number("work-ms", values["work-ms"], (n) => Number.isInteger(n) && n >= 0, "an integer >= 0"),
    env,
    speed: number("speed", values.speed, (n) => n >= 1 && n <= 100, "a number from 1 to 100"),
    profile: values.profile,
    skipBuild: values["skip-build"] === true,
  };
}
