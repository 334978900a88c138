/**
 * JSON logs (pino) with `app`, `instance` and `consumerGroup` on every line; pretty-printed only
 * when stdout is a terminal and pino-pretty is installed (a development dependency: the images do
 * not carry it and always log JSON). Colours follow the NO_COLOR convention (no-color.org: set and
 * not empty turns them off). Secrets are redacted by key wherever they appear.
 */
import { createRequire } from "node:module";
import { pino, type Logger } from "pino";
import type { LogLevel } from "./config/common-contract.js";

export type { Logger } from "pino";

export interface LoggerProps {
  readonly app: "producer" | "consumer";
  readonly instance: string;
  readonly consumerGroup: string;
  readonly level: LogLevel;
  /**
   * Pretty output through pino-pretty, when it is installed.
   * @default process.stdout.isTTY
   */
  readonly pretty?: boolean;
  /** Where NO_COLOR is read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** pino-pretty's path when it is installed (development), undefined in the images. */
export function prettyPrinterPath(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve("pino-pretty");
  } catch {
    return undefined;
  }
}

/** True unless NO_COLOR is set to a non-empty value. */
export function colorsWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  return (env.NO_COLOR ?? "") === "";
}

export function createLogger(props: LoggerProps): Logger {
  const prettyPath = (props.pretty ?? process.stdout.isTTY === true) ? prettyPrinterPath() : undefined;
  return pino({
    level: props.level,
    base: { app: props.app, instance: props.instance, consumerGroup: props.consumerGroup },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        "password",
        "token",
        "*.password",
        "*.token",
        "broker.password",
        "broker.token",
        "broker.username",
      ],
      censor: "[secret]",
    },
    ...(prettyPath === undefined
      ? {}
      : {
          transport: {
            target: prettyPath,
            options: { colorize: colorsWanted(props.env ?? process.env) },
          },
        }),
  });
}
