/**
 * `npm run set-rate -- --env <env> --rate <msg/s> [--pr-body <file>] [--no-synth] [--config <file>] [--dry-run]`
 *
 * Edits `PRODUCER_RATE_PER_SECOND.<env>` in cdk8s/config.ts (only that literal), re-synthesizes,
 * and optionally writes the pull request body (old/new rate and expected consumer replicas).
 * `--dry-run` prints the diff of cdk8s/config.ts and writes nothing.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseCli, type CliOption, type CliSpec } from "../../tooling/cli.js";
import { ENVIRONMENTS, ENVIRONMENT_NAMES, type EnvironmentName } from "../../cdk8s/config.js";
import { estimateReplicas, type ReplicaEstimate } from "../../cdk8s/config-edits/expected-replicas.js";
import { ratePullRequestBody, ratePullRequestTitle } from "./rate-pr-body.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { runSynth } from "../../tooling/run-synth.js";
import { editExportedObject } from "./ts-config-edit.js";
import { unifiedDiff } from "../../tooling/line-diff.js";

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

/** Flags both config scripts (set-rate, bump-images) take. */
export const CONFIG_EDIT_OPTIONS = {
  config: { type: "string", valueName: "file", help: "config file to edit (default cdk8s/config.ts)" },
  "pr-body": { type: "string", valueName: "file", help: "write the pull request body here" },
  "no-synth": { type: "boolean", default: false, help: "do not re-synthesize the manifests" },
  "dry-run": { type: "boolean", default: false, help: "print the diff of the config file; write nothing" },
} satisfies Record<string, CliOption>;

/** Flags of `npm run set-rate`. */
export const SET_RATE_CLI = {
  usage:
    "npm run set-rate -- --env <env> --rate <msg/s> [--pr-body <file>] [--pr-title <file>] [--no-synth] [--dry-run]",
  description:
    "Set PRODUCER_RATE_PER_SECOND.<env> in cdk8s/config.ts (messages per second, >= 0; 0 pauses), " +
    "re-synthesize the manifests and state the expected consumer replicas.",
  options: {
    env: { type: "string", valueName: ENVIRONMENT_NAMES.join("|"), help: "environment to change" },
    rate: {
      type: "string",
      valueName: "msg/s",
      help: "producer rate in messages per second (may be below 1)",
    },
    "pr-title": { type: "string", valueName: "file", help: "write the pull request title here" },
    ...CONFIG_EDIT_OPTIONS,
  },
} satisfies CliSpec<Record<string, CliOption>>;

/** Print the diff of `edited` against `text` (dry run), or write it when it differs. */
export function applyEdit(
  configFile: string,
  text: string,
  edited: string,
  dryRun: boolean,
  log: (line: string) => void,
): void {
  if (dryRun) {
    const diff = unifiedDiff(relative(REPO_ROOT, configFile), text, edited);
    log(diff === "" ? `${configFile}: no change` : diff);
    log("dry run: nothing written");
  } else if (edited !== text) writeFileSync(configFile, edited);
}

export function runSetRate(argv: readonly string[], io: ConfigCommandIo): SetRateResult {
  const { values } = parseCli(SET_RATE_CLI, argv);
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
  io.log(`PRODUCER_RATE_PER_SECOND.${env}: ${oldRate} -> ${newRate} (${configFile})`);
  const dryRun = values["dry-run"];
  applyEdit(configFile, text, edited.text, dryRun, io.log);

  const synthesized = values["no-synth"] || dryRun ? false : (io.synth ?? runSynth)(io.log);

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
  if (values["pr-body"] !== undefined && !dryRun) writeFileSync(values["pr-body"], body);
  if (values["pr-title"] !== undefined && !dryRun) writeFileSync(values["pr-title"], title);
  io.log(`expected steady-state consumer replicas in ${env}: ${estimate.expectedReplicas}`);
  return { env, oldRate, newRate, estimate, title, body };
}
