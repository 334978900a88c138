/**
 * `npm run set-rate -- --env <env> --rate <msg/s> [--pr-body <file>] [--no-synth] [--config <file>]`
 *
 * Edits `PRODUCER_RATE_PER_SECOND.<env>` in cdk8s/config.ts (only that literal), re-synthesizes,
 * and optionally writes the pull request body (old/new rate and expected consumer replicas).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ENVIRONMENTS, ENVIRONMENT_NAMES, type EnvironmentName } from "../../cdk8s/config.js";
import { estimateReplicas, type ReplicaEstimate } from "./expected-replicas.js";
import { ratePullRequestBody, ratePullRequestTitle } from "./rate-pr-body.js";
import { REPO_ROOT } from "./repo-root.js";
import { runSynth } from "./run-synth.js";
import { editExportedObject } from "./ts-config-edit.js";

/** The file both config scripts edit by default. */
export const CONFIG_FILE = join(REPO_ROOT, "cdk8s", "config.ts");

export interface ConfigCommandIo {
  readonly log: (line: string) => void;
  /** Runs the synth; replaced in tests. @default runSynth */
  readonly synth?: (log: (line: string) => void) => boolean;
}

export interface SetRateResult {
  readonly env: EnvironmentName;
  readonly oldRate: number;
  readonly newRate: number;
  readonly estimate: ReplicaEstimate;
  readonly title: string;
  readonly body: string;
}

/** Parse a rate: a plain decimal number (no sign, hex or Infinity), finite and >= 0. */
export function parseRate(text: string | undefined): number {
  if (text === undefined) throw new Error("--rate is required (messages per second, >= 0; 0 pauses)");
  const trimmed = text.trim();
  if (!/^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(trimmed))
    throw new Error(`--rate: "${text}" is not a number >= 0 (messages per second, e.g. 20 or 0.5)`);
  const rate = Number(trimmed);
  if (!Number.isFinite(rate)) throw new Error(`--rate: "${text}" is not finite`);
  return rate;
}

/** Validate an environment name against cdk8s/config.ts. */
export function parseEnvironment(text: string | undefined): EnvironmentName {
  if (text === undefined) throw new Error(`--env is required (one of: ${ENVIRONMENT_NAMES.join(", ")})`);
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(text))
    throw new Error(`--env: unknown environment "${text}" (known: ${ENVIRONMENT_NAMES.join(", ")})`);
  return text as EnvironmentName;
}

export function runSetRate(argv: readonly string[], io: ConfigCommandIo): SetRateResult {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      env: { type: "string" },
      rate: { type: "string" },
      config: { type: "string" },
      "pr-body": { type: "string" },
      "pr-title": { type: "string" },
      "no-synth": { type: "boolean", default: false },
    },
  });
  const env = parseEnvironment(values.env);
  const newRate = parseRate(values.rate);
  const configFile = values.config ?? CONFIG_FILE;

  const text = readFileSync(configFile, "utf8");
  const edited = editExportedObject(text, configFile, "PRODUCER_RATE_PER_SECOND", [
    { path: [env], value: newRate },
  ]);
  const oldRate = edited.previous[0];
  if (typeof oldRate !== "number")
    throw new Error(`${configFile}: PRODUCER_RATE_PER_SECOND.${env} is not a number literal`);
  if (edited.text !== text) writeFileSync(configFile, edited.text);
  io.log(`PRODUCER_RATE_PER_SECOND.${env}: ${oldRate} -> ${newRate} (${configFile})`);

  const synthesized = values["no-synth"] ? false : (io.synth ?? runSynth)(io.log);

  const settings = ENVIRONMENTS[env];
  const scaling = {
    ratePerSecond: newRate * settings.producer.replicas,
    workTimeMs: settings.consumer.workTimeMs,
    concurrency: settings.consumer.concurrency,
    lagThreshold: settings.consumer.lagThreshold,
    minReplicas: 0,
    maxReplicas: settings.consumer.maxReplicas,
  };
  const estimate = estimateReplicas(scaling);
  const title = ratePullRequestTitle(env, oldRate, newRate);
  const body = ratePullRequestBody({
    env,
    oldRate,
    newRate,
    producerReplicas: settings.producer.replicas,
    scaling,
    estimate,
    workTimeSource: `ENVIRONMENTS.${env}.consumer.workTimeMs`,
    synthesized,
  });
  if (values["pr-body"] !== undefined) writeFileSync(values["pr-body"], body);
  if (values["pr-title"] !== undefined) writeFileSync(values["pr-title"], title);
  io.log(`expected steady-state consumer replicas in ${env}: ${estimate.expectedReplicas}`);
  return { env, oldRate, newRate, estimate, title, body };
}
