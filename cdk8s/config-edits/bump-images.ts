/**
 * `npm run bump-images -- --tag <tag> [--app producer|consumer] [--registry <prefix>] [--no-synth]
 *   [--data <file>] [--pr-body <file>] [--dry-run]`
 *
 * Sets each app's tag (both apps by default) and, with `--registry`, its repository = `<prefix>/<app>`
 * in cdk8s/data/images.json (IMAGES), then re-synthesizes, all or nothing. `--dry-run` prints the
 * diff of the data file and writes nothing.
 */
import { parseCli, type CliOption, type CliSpec } from "../../tooling/cli.js";
import type { ImagePin } from "../config.js";
import type { ConfigCommandIo } from "./data-edit.js";
import { DATA_FILES, dataEditOptions, editDataFile, repositoryPath } from "./data-edit.js";

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
    `Point each app's image in ${repositoryPath(DATA_FILES.images)} at a new tag (both apps by default), ` +
    "optionally at a new registry prefix, and re-synthesize the manifests.",
  options: {
    tag: { type: "string", valueName: "tag", help: "image tag (an OCI tag, e.g. the commit SHA)" },
    app: { type: "string", multiple: true, valueName: APPS.join("|"), help: "only this app" },
    registry: {
      type: "string",
      valueName: "prefix",
      help: "registry and path prefix, e.g. ghcr.io/org/repo",
    },
    ...dataEditOptions(DATA_FILES.images),
  },
} satisfies CliSpec<Record<string, CliOption>>;

/** The pin of `app` in the data file, checked. */
function pinOf(images: Record<string, unknown>, app: AppName, file: string): ImagePin {
  const pin = images[app] as Partial<ImagePin> | undefined;
  if (typeof pin?.repository !== "string" || typeof pin.tag !== "string")
    throw new Error(`${file}: "${app}" must be { "repository": string, "tag": string }`);
  return { repository: pin.repository, tag: pin.tag };
}

export function runBumpImages(argv: readonly string[], io: ConfigCommandIo): BumpImagesResult {
  const { values } = parseCli(BUMP_IMAGES_CLI, argv);
  const tag = parseTag(values.tag);
  const apps = (values.app ?? [...APPS]).map((app) => {
    if (!(APPS as readonly string[]).includes(app))
      throw new Error(`--app: unknown app "${app}" (known: ${APPS.join(", ")})`);
    return app as AppName;
  });
  const registry = values.registry === undefined ? undefined : parseRegistryPrefix(values.registry);
  return editDataFile(values, DATA_FILES.images, io, (before, { file, synth }) => {
    const after: Record<string, unknown> = { ...before };
    const changes: { field: string; from: string; to: string }[] = [];
    for (const app of apps) {
      const pin = pinOf(before, app, file);
      const repository = registry === undefined ? pin.repository : `${registry}/${app}`;
      after[app] = { ...pin, repository, tag };
      changes.push({ field: `IMAGES.${app}.tag`, from: pin.tag, to: tag });
      if (registry !== undefined)
        changes.push({ field: `IMAGES.${app}.repository`, from: pin.repository, to: repository });
    }
    for (const change of changes) io.log(`${change.field}: ${change.from} -> ${change.to}`);
    const body = [
      `Images built from this commit, tag \`${tag}\`:`,
      "",
      ...changes.map((c) => `- \`${c.field}\`: \`${c.from}\` → \`${c.to}\``),
      "",
      synth
        ? "Manifests re-synthesized (`npm run synth`)."
        : "Manifests NOT re-synthesized: run `npm run synth`.",
      "",
      "_Opened by the images workflow (`npm run bump-images`)._",
      "",
    ].join("\n");
    const alsoWrite = values["pr-body"] === undefined ? [] : [{ file: values["pr-body"], content: body }];
    return { data: after, alsoWrite, result: { changes, body } };
  });
}
