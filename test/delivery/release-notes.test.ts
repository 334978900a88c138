/** The release workflow's text: the CHANGELOG.md section of the tagged version, or no release at all. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { changelogSection, runReleaseNotes } from "../../scripts/lib/release-notes.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";

const CHANGELOG = [
  "# Changelog",
  "",
  "## [Unreleased]",
  "",
  "- next",
  "",
  "## [1.2.0] - 2026-12-07",
  "",
  "### Added",
  "",
  "- a thing",
  "",
  "## [1.1.0] - 2026-11-01",
  "",
  "- older",
  "",
  "[1.2.0]: https://example.org/v1.2.0",
  "",
].join("\n");

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));
function repo(version: string): string {
  dir = mkdtempSync(join(tmpdir(), "release-notes-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ version }));
  writeFileSync(join(dir, "CHANGELOG.md"), CHANGELOG);
  return dir;
}

describe("release notes", () => {
  it("is the version's section, up to the next version or the link definitions", () => {
    expect(changelogSection(CHANGELOG, "1.2.0")).toBe("### Added\n\n- a thing");
    expect(changelogSection(CHANGELOG, "1.1.0")).toBe("- older");
    expect(changelogSection(CHANGELOG, "9.9.9")).toBeUndefined();
  });

  it("the tag must match package.json and have a section", () => {
    expect(runReleaseNotes(["--tag", "v1.2.0"], repo("1.2.0"))).toBe("### Added\n\n- a thing");
    expect(() => runReleaseNotes(["--tag", "v1.2.0"], repo("1.3.0"))).toThrow(/does not match package.json/);
    expect(() => runReleaseNotes(["--tag", "v1.3.0"], repo("1.3.0"))).toThrow(/no section "## \[1.3.0\]"/);
    expect(() => runReleaseNotes(["--tag", "1.2.0"], repo("1.2.0"))).toThrow(
      expect.objectContaining({ code: 2 }),
    );
  });

  it("the committed CHANGELOG.md has a section for package.json's version", () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    expect(runReleaseNotes(["--tag", `v${version}`])).toMatch(/^### /);
  });
});
