/**
 * `npm run set-rate -- --env <env> --rate <msg/s> [--pr-body <file>] [--pr-title <file>] [--no-synth] [--data <file>] [--dry-run]`
 *
 * Sets the environment's rate in cdk8s/data/producer-rates.json (PRODUCER_RATE_PER_SECOND), re-synthesizes,
 * and optionally writes the pull request text (old/new rate and expected consumer replicas), all or
 * nothing. `--dry-run` prints the diff of the data file and writes nothing.
 */
import { parseCli, type CliOption, type CliSpec } from "../../tooling/cli.js";
import { estimateReplicas, type ReplicaEstimate } from "./expected-replicas.js";
import { ENVIRONMENTS, ENVIRONMENT_NAMES, type EnvironmentName } from "../config.js";
import { resolveConsumerSettings } from "../lib/consumer.js";
import type { PlannedWrite } from "./atomic-edit.js";
import type { ConfigCommandIo } from "./data-edit.js";
import { DATA_FILES, dataEditOptions, editDataFile, repositoryPath } from "./data-edit.js";
import { ratePullRequestBody, ratePullRequestTitle } from "./rate-pr-body.js";

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

/** Flags of `npm run set-rate`. */
export const SET_RATE_CLI = {
  usage:
    "npm run set-rate -- --env <env> --rate <msg/s> [--pr-body <file>] [--pr-title <file>] [--no-synth] [--dry-run]",
  description:
    `Set the producer rate of an environment in ${repositoryPath(DATA_FILES.producerRates)} ` +
    "(messages per second, >= 0; 0 pauses), re-synthesize the manifests and state the expected consumer replicas.",
  options: {
    env: { type: "string", valueName: ENVIRONMENT_NAMES.join("|"), help: "environment to change" },
    rate: {
      type: "string",
      valueName: "msg/s",
      help: "producer rate in messages per second (may be below 1)",
    },
    "pr-title": { type: "string", valueName: "file", help: "write the pull request title here" },
    ...dataEditOptions(DATA_FILES.producerRates),
  },
} satisfies CliSpec<Record<string, CliOption>>;

export function runSetRate(argv: readonly string[], io: ConfigCommandIo): SetRateResult {
  const { values } = parseCli(SET_RATE_CLI, argv);
  const env = parseEnvironment(values.env);
  const newRate = parseRate(values.rate);
  return editDataFile(values, DATA_FILES.producerRates, io, (rates, { file, synth }) => {
    const oldRate = rates[env];
    if (typeof oldRate !== "number") throw new Error(`${file}: "${env}" is not a number`);
    io.log(`PRODUCER_RATE_PER_SECOND.${env}: ${oldRate} -> ${newRate} (${file})`);

    const settings = ENVIRONMENTS[env];
    const consumer = resolveConsumerSettings(settings.consumer.settings);
    const scaling = {
      ratePerSecond: newRate * settings.producer.replicas,
      workTimeMs: consumer.WORK_TIME_MS,
      concurrency: consumer.CONCURRENCY,
      lagThreshold: settings.consumer.scaling.lagThreshold,
      minReplicas: 0,
      maxReplicas: settings.consumer.scaling.maxReplicas,
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
      workTimeSource:
        settings.consumer.settings.WORK_TIME_MS === undefined
          ? "the consumer contract's default"
          : `ENVIRONMENTS.${env}.consumer.settings.WORK_TIME_MS`,
      changedFile: repositoryPath(DATA_FILES.producerRates),
      synthesized: synth,
    });
    const alsoWrite: PlannedWrite[] = [];
    if (values["pr-body"] !== undefined) alsoWrite.push({ file: values["pr-body"], content: body });
    if (values["pr-title"] !== undefined) alsoWrite.push({ file: values["pr-title"], content: title });
    io.log(`expected steady-state consumer replicas in ${env}: ${estimate.expectedReplicas}`);
    return {
      data: { ...rates, [env]: newRate },
      alsoWrite,
      result: { env, oldRate, newRate, estimate, title, body },
    };
  });
}
