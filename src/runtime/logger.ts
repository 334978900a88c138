/**
 * JSON logs (pino) with `app`, `instance` and `consumerGroup` on every line; pretty-printed only
 * when stdout is a terminal. Secrets are redacted by key wherever they appear.
 */
import { pino, type Logger } from "pino";
import type { LogLevel } from "./config/common-contract.js";

export type { Logger } from "pino";

export interface LoggerProps {
  readonly app: "producer" | "consumer";
  readonly instance: string;
  readonly consumerGroup: string;
  readonly level: LogLevel;
  /**
   * Pretty output through pino-pretty.
   * @default process.stdout.isTTY
   */
  readonly pretty?: boolean;
}

export function createLogger(props: LoggerProps): Logger {
  const pretty = props.pretty ?? process.stdout.isTTY === true;
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
    ...(pretty ? { transport: { target: "pino-pretty", options: { colorize: true } } } : {}),
  });
}
