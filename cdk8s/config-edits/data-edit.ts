/**
 * What set-rate and bump-images share: the JSON data files they edit (beside cdk8s/config.ts, which
 * imports them), their common flags, and the step that either prints the diff (`--dry-run`) or
 * writes the file and its pull request text and re-synthesizes, all or nothing.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { CliOption } from "../../scripts/lib/cli.js";
import { unifiedDiff } from "../../scripts/lib/line-diff.js";
import { REPO_ROOT } from "../../scripts/lib/repo-root.js";
import { runSynth } from "../../scripts/lib/run-synth.js";
import { writeAtomically, type PlannedWrite } from "./atomic-edit.js";

/** The data files the commands edit (cdk8s/config.ts imports them). */
export const DATA_FILES = {
  /** PRODUCER_RATE_PER_SECOND: messages per second by environment. */
  producerRates: join(import.meta.dirname, "..", "data", "producer-rates.json"),
  /** IMAGES: repository and tag by app. */
  images: join(import.meta.dirname, "..", "data", "images.json"),
} as const;

/** A data file's path as the repository names it (pull requests, workflows, messages). */
export function repositoryPath(file: string): string {
  return relative(REPO_ROOT, file).split("\\").join("/");
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

/** Flags both commands take besides `--data` (whose default differs). */
export const CONFIG_EDIT_OPTIONS = {
  "pr-body": { type: "string", valueName: "file", help: "write the pull request body here" },
  "no-synth": { type: "boolean", default: false, help: "do not re-synthesize the manifests" },
  "dry-run": { type: "boolean", default: false, help: "print the diff of the data file; write nothing" },
} satisfies Record<string, CliOption>;

/** The `--data` flag of a command editing `file` by default. */
export function dataOption(file: string) {
  return {
    type: "string",
    valueName: "file",
    help: `data file to edit (default ${repositoryPath(file)})`,
  } as const satisfies CliOption;
}

export interface DataEdit {
  readonly file: string;
  readonly before: string;
  readonly after: string;
  /** Further files to write with it (the pull request text). */
  readonly alsoWrite: readonly PlannedWrite[];
  readonly dryRun: boolean;
  readonly synth: boolean;
}

/**
 * `--dry-run`: print the diff and write nothing. Otherwise write the data file and `alsoWrite`, then
 * re-synthesize; a failure anywhere puts every file back (./atomic-edit.ts).
 */
export function applyDataEdit(edit: DataEdit, io: ConfigCommandIo): void {
  if (edit.dryRun) {
    const diff = unifiedDiff(repositoryPath(edit.file), edit.before, edit.after);
    io.log(diff === "" ? `${edit.file}: no change` : diff);
    io.log("dry run: nothing written");
    return;
  }
  writeAtomically([{ file: edit.file, content: edit.after }, ...edit.alsoWrite], () => {
    if (edit.synth) (io.synth ?? runSynth)(io.log);
  });
}
