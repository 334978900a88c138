/** Flags of `npm run local -- …`, validated; every error names the flag and the bad value. */
import { parseArgs } from "node:util";
import { ENVIRONMENT_NAMES, type EnvironmentName } from "../cdk8s/config.js";
import type { BrokerKind } from "../src/broker/port.js";

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
}

export const LOCAL_RUN_USAGE = `usage: npm run local -- [--env dev|prod] [--speed K] [--rate <msg/s>] [--duration <s>]
                        [--consumers N] [--work-ms <ms>] [--broker nats|memphis] [--profile <LOAD_PROFILE>]
With no flags: a demonstration of one scaling cycle, 0 -> N -> 0 consumers, in about 2 minutes.
  --env        manifests to scale by: dist-manifests/<env>/ (default dev)
  --speed      divide every controller interval by K (default 10; 1 = the cluster's timing)
  --rate       constant producer rate in msg/s instead of the demonstration's rise and fall
  --duration   stop after this many seconds (default: at the end of the cycle, or Ctrl-C)
  --consumers  run N consumers, no scaler
  --work-ms    simulated work per message (default: WORK_TIME_MS of the Deployment)
  --broker     nats (default) or memphis (a test-only Memphis stand-in on nats-server)
  --profile    the producer's LOAD_PROFILE, e.g. steps:150@40s,0@60m (--rate is its base rate)
  --help       print this and exit`;

/** Bad flags: the message names them; the caller prints it with the usage and exits 2. */
export class LocalRunArgsError extends Error {
  override readonly name = "LocalRunArgsError";
}

function number(
  flag: string,
  text: string | undefined,
  check: (n: number) => boolean,
  rule: string,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || !check(value))
    throw new LocalRunArgsError(`--${flag} "${text}" must be ${rule}`);
  return value;
}

/** The parsed flags, or "help" when --help was given. Throws `LocalRunArgsError`. */
export function parseLocalRunArgs(argv: readonly string[]): LocalRunArgs | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        duration: { type: "string" },
        rate: { type: "string" },
        broker: { type: "string", default: "nats" },
        consumers: { type: "string" },
        "work-ms": { type: "string" },
        env: { type: "string", default: "dev" },
        speed: { type: "string" },
        profile: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new LocalRunArgsError((error as Error).message);
  }
  if (values.help) return "help";
  if (values.broker !== "nats" && values.broker !== "memphis")
    throw new LocalRunArgsError(`--broker "${values.broker}" must be nats or memphis`);
  const env = values.env as EnvironmentName;
  if (!ENVIRONMENT_NAMES.includes(env))
    throw new LocalRunArgsError(`--env "${values.env}" must be one of ${ENVIRONMENT_NAMES.join(", ")}`);
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
  };
}
