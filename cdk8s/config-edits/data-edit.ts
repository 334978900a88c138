/**
 * What set-rate and bump-images share: the JSON data files they edit (beside cdk8s/config.ts, which
 * imports them), their common flags, and the edit itself, which either prints the diff
 * (`--dry-run`) or writes the file and its pull request text and re-synthesizes, all or nothing.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { CliOption } from "../../tooling/cli.js";
import { unifiedDiff } from "../../tooling/line-diff.js";
import { runSynth } from "../../tooling/run-synth.js";
import { writeAtomically, type PlannedWrite } from "./atomic-edit.js";

/** The repository this file is in (cdk8s/config-edits/ is two levels below it). */
const REPOSITORY = join(import.meta.dirname, "..", "..");

/** The data files the commands edit (cdk8s/config.ts imports them). */
export const DATA_FILES = {
  /** PRODUCER_RATE_PER_SECOND: messages per second by environment. */
  producerRates: join(import.meta.dirname, "..", "data", "producer-rates.json"),
  /** IMAGES: repository and tag by app. */
  images: join(import.meta.dirname, "..", "data", "images.json"),
} as const;

/** A data file's path as the repository names it (pull requests, workflows, messages). */
export function repositoryPath(file: string): string {
  return relative(REPOSITORY, file).split("\\").join("/");
}

/** Read a data file: a JSON object. */
export function readDataFile(file: string): Record<string, unknown> {
  const data: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new Error(`${file}: expected a JSON object`);
  return data as Record<string, unknown>;
}

/** The text of a data file: 2-space JSON, trailing newline (the bytes prettier keeps). */
export function dataFileText(data: unknown): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** What the commands need from their surroundings (passed in, so tests never touch process state). */
export interface ConfigCommandIo {
  readonly log: (line: string) => void;
  /** Runs the synth; replaced in tests; throws when it fails. @default runSynth */
  readonly synth?: (log: (line: string) => void) => unknown;
}

/** The flags both commands take: the data file (default `file`), the PR body, no synth, dry run. */
export function dataEditOptions(file: string) {
  return {
    data: {
      type: "string",
      valueName: "file",
      help: `data file to edit (default ${repositoryPath(file)})`,
    },
    "pr-body": { type: "string", valueName: "file", help: "write the pull request body here" },
    "no-synth": { type: "boolean", default: false, help: "do not re-synthesize the manifests" },
    "dry-run": { type: "boolean", default: false, help: "print the diff of the data file; write nothing" },
  } as const satisfies Record<string, CliOption>;
}

/** The parsed values of `dataEditOptions`. */
export interface DataEditFlags {
  readonly data?: string | undefined;
  readonly "dry-run": boolean;
  readonly "no-synth": boolean;
}

/** What a command makes of the data file. */
export interface DataChange<T> {
  /** The whole new content of the data file. */
  readonly data: unknown;
  /** Further files to write with it (the pull request text). */
  readonly alsoWrite: readonly PlannedWrite[];
  /** What the command returns. */
  readonly result: T;
}

/**
 * Read the data file (`--data`, else `defaultFile`), let `change` make the new content, then either
 * print the diff (`--dry-run`) or write the file and `alsoWrite` and re-synthesize (unless
 * `--no-synth`); a failure anywhere puts every file back (./atomic-edit.ts).
 */
export function editDataFile<T>(
  flags: DataEditFlags,
  defaultFile: string,
  io: ConfigCommandIo,
  change: (data: Record<string, unknown>, context: { file: string; synth: boolean }) => DataChange<T>,
): T {
  const file = flags.data ?? defaultFile;
  const dryRun = flags["dry-run"];
  const synth = !flags["no-synth"] && !dryRun;
  const before = readDataFile(file);
  const { data, alsoWrite, result } = change(before, { file, synth });
  const [beforeText, afterText] = [dataFileText(before), dataFileText(data)];
  if (dryRun) {
    const diff = unifiedDiff(repositoryPath(file), beforeText, afterText);
    io.log(diff === "" ? `${file}: no change` : diff);
    io.log("dry run: nothing written");
    return result;
  }
  writeAtomically([{ file, content: afterText }, ...alsoWrite], () => {
    if (!synth) return;
    if (io.synth === undefined) runSynth();
    else io.synth(io.log);
  });
  return result;
}
