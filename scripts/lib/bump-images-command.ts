/**
 * `npm run bump-images -- --tag <tag> [--app producer|consumer] [--registry <prefix>] [--no-synth]
 *   [--config <file>] [--pr-body <file>] [--dry-run]`
 *
 * Sets `IMAGES.<app>.tag` (both apps by default) and, with `--registry`, `IMAGES.<app>.repository`
 * = `<prefix>/<app>` in cdk8s/config.ts (only those literals), then re-synthesizes. `--dry-run`
 * prints the diff of cdk8s/config.ts and writes nothing.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseCli, type CliOption, type CliSpec } from "../../tooling/cli.js";
import { applyEdit, CONFIG_EDIT_OPTIONS, CONFIG_FILE, type ConfigCommandIo } from "./set-rate-command.js";
import { runSynth } from "../../tooling/run-synth.js";
import { editExportedObject, type LiteralEdit } from "./ts-config-edit.js";

export const APPS = ["producer", "consumer"] as const;
export type AppName = (typeof APPS)[number];

/** OCI distribution-spec tag: `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}` (a git commit SHA is one). */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
/** Registry + path prefix, e.g. `ghcr.io/org/repo` or `registry.example.com:5000/team` (lowercase, no tag). */
const REGISTRY_PREFIX =
  /^[a-z0-9]+([._-][a-z0-9]+)*(\.[a-z0-9-]+)*(:[0-9]+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*$/;

export function parseTag(text: string | undefined): string {
  if (text === undefined) throw new Error("--tag is required (an OCI tag, e.g. the commit SHA)");
  if (!TAG.test(text))
    throw new Error(
      `--tag: "${text}" is not a valid OCI tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127}, e.g. a commit SHA)`,
    );
  return text;
}

export function parseRegistryPrefix(text: string): string {
  const prefix = text.replace(/\/+$/, "");
  if (!REGISTRY_PREFIX.test(prefix))
    throw new Error(`--registry: "${text}" is not a lowercase registry/path prefix like ghcr.io/org/repo`);
  return prefix;
}

export interface BumpImagesResult {
  readonly changes: readonly { readonly field: string; readonly from: string; readonly to: string }[];
  readonly body: string;
}

/** Flags of `npm run bump-images`. */
export const BUMP_IMAGES_CLI = {
  usage:
    "npm run bump-images -- --tag <tag> [--app producer|consumer]... [--registry <prefix>] [--pr-body <file>] [--no-synth] [--dry-run]",
  description:
    "Point IMAGES.<app> in cdk8s/config.ts at a new tag (both apps by default), optionally at a new " +
    "registry prefix, and re-synthesize the manifests.",
  options: {
    tag: { type: "string", valueName: "tag", help: "image tag (an OCI tag, e.g. the commit SHA)" },
    app: { type: "string", multiple: true, valueName: APPS.join("|"), help: "only this app" },
    registry: {
      type: "string",
      valueName: "prefix",
      help: "registry and path prefix, e.g. ghcr.io/org/repo",
    },
    ...CONFIG_EDIT_OPTIONS,
  },
} satisfies CliSpec<Record<string, CliOption>>;

export function runBumpImages(argv: readonly string[], io: ConfigCommandIo): BumpImagesResult {
  const { values } = parseCli(BUMP_IMAGES_CLI, argv);
  const tag = parseTag(values.tag);
  const apps = (values.app ?? [...APPS]).map((app) => {
    if (!(APPS as readonly string[]).includes(app))
      throw new Error(`--app: unknown app "${app}" (known: ${APPS.join(", ")})`);
    return app as AppName;
  });
  const registry = values.registry === undefined ? undefined : parseRegistryPrefix(values.registry);
  const configFile = values.config ?? CONFIG_FILE;

  const edits: LiteralEdit[] = [];
  for (const app of apps) {
    edits.push({ path: [app, "tag"], value: tag });
    if (registry !== undefined) edits.push({ path: [app, "repository"], value: `${registry}/${app}` });
  }
  const text = readFileSync(configFile, "utf8");
  const edited = editExportedObject(text, configFile, "IMAGES", edits);
  const changes = edits.map((edit, index) => ({
    field: `IMAGES.${edit.path.join(".")}`,
    from: String(edited.previous[index]),
    to: String(edit.value),
  }));
  for (const change of changes) io.log(`${change.field}: ${change.from} -> ${change.to}`);
  const dryRun = values["dry-run"];
  applyEdit(configFile, text, edited.text, dryRun, io.log);

  const synthesized = values["no-synth"] || dryRun ? false : (io.synth ?? runSynth)(io.log);
  const body = [
    `Images built from this commit, tag \`${tag}\`:`,
    "",
    ...changes.map((c) => `- \`${c.field}\`: \`${c.from}\` → \`${c.to}\``),
    "",
    synthesized
      ? "Manifests re-synthesized (`npm run synth`)."
      : "Manifests NOT re-synthesized: run `npm run synth`.",
    "",
    "_Opened by the images workflow (`npm run bump-images`)._",
    "",
  ].join("\n");
  if (values["pr-body"] !== undefined && !dryRun) writeFileSync(values["pr-body"], body);
  return { changes, body };
}
