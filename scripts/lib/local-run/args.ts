/** Flags of `npm run local -- …`, validated; every error names the flag and the bad value. */
import { parseArgs } from "node:util";
import type { BrokerKind } from "../../../src/broker/port.js";

export interface LocalRunArgs {
  /** Seconds to run; undefined: until Ctrl-C. */
  readonly durationSeconds: number | undefined;
  /** Producer rate override (msg/s); undefined: the dev rate from cdk8s/config.ts. */
  readonly rate: number | undefined;
  readonly broker: BrokerKind;
  readonly consumers: number;
  readonly workMs: number;
}

export const LOCAL_RUN_USAGE = `usage: npm run local -- [--duration <s>] [--rate <msg/s>] [--broker nats|memphis] [--consumers N] [--work-ms <ms>]
  --duration   stop after this many seconds (default: run until Ctrl-C)
  --rate       producer rate override (default: PRODUCER_RATE_PER_SECOND.dev in cdk8s/config.ts)
  --broker     nats (default) or memphis (a test-only Memphis stand-in on nats-server)
  --consumers  consumer processes (default 1)
  --work-ms    simulated work per message (default 0)`;

function number(
  flag: string,
  text: string | undefined,
  check: (n: number) => boolean,
  rule: string,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || !check(value))
    throw new Error(`--${flag} "${text}" must be ${rule}\n${LOCAL_RUN_USAGE}`);
  return value;
}

export function parseLocalRunArgs(argv: readonly string[]): LocalRunArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: "string" },
      rate: { type: "string" },
      broker: { type: "string", default: "nats" },
      consumers: { type: "string", default: "1" },
      "work-ms": { type: "string", default: "0" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(LOCAL_RUN_USAGE);
    process.exit(0);
  }
  if (values.broker !== "nats" && values.broker !== "memphis")
    throw new Error(`--broker "${values.broker}" must be nats or memphis\n${LOCAL_RUN_USAGE}`);
  return {
    durationSeconds: number("duration", values.duration, (n) => n > 0, "a number of seconds > 0"),
    rate: number("rate", values.rate, (n) => n >= 0, "a rate >= 0 (msg/s)"),
    broker: values.broker,
    consumers: number(
      "consumers",
      values.consumers,
      (n) => Number.isInteger(n) && n >= 1 && n <= 32,
      "an integer from 1 to 32",
    )!,
    workMs: number("work-ms", values["work-ms"], (n) => Number.isInteger(n) && n >= 0, "an integer >= 0")!,
  };
}
