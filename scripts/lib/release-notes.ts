/**
 * `npm run release-notes -- --tag v<version>`: the CHANGELOG.md section of that version, which the
 * release workflow publishes as the GitHub release's text. A tag without a section, or one that
 * does not match package.json's version, is an error: nothing is released by accident.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CliExit, parseCli, usageText, type CliOption, type CliSpec } from "../../tooling/cli.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";

export const RELEASE_NOTES_CLI = {
  usage: "npm run release-notes -- --tag v<version>",
  description: "Print the CHANGELOG.md section of a release (the GitHub release's text).",
  options: { tag: { type: "string", valueName: "v<version>", help: "the release tag, e.g. v0.1.0" } },
} satisfies CliSpec<Record<string, CliOption>>;

/** The body of `## [<version>]` (up to the next `## ` heading or the link definitions), trimmed. */
export function changelogSection(changelog: string, version: string): string | undefined {
  const lines = changelog.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`## [${version}]`));
  if (start === -1) return undefined;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => line.startsWith("## ") || /^\[[^\]]+\]: /.test(line));
  const body = (end === -1 ? rest : rest.slice(0, end)).join("\n").trim();
  return body === "" ? undefined : body;
}

export function runReleaseNotes(argv: readonly string[], root: string = REPO_ROOT): string {
  const { values } = parseCli(RELEASE_NOTES_CLI, argv);
  const match = /^v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(values.tag ?? "");
  if (match?.[1] === undefined)
    throw new CliExit(
      2,
      `--tag: expected v<semver>, got "${values.tag ?? ""}"\n\n${usageText(RELEASE_NOTES_CLI)}`,
    );
  const version = match[1];
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
  if (pkg.version !== version)
    throw new Error(`tag v${version} does not match package.json version ${pkg.version}: bump it first`);
  const section = changelogSection(readFileSync(join(root, "CHANGELOG.md"), "utf8"), version);
  if (section === undefined) throw new Error(`CHANGELOG.md has no section "## [${version}]"`);
  return section;
}
