/**
 * The files users expect of such a repository: the Apache-2.0 LICENSE that package.json names,
 * SECURITY.md, CONTRIBUTING.md whose commands all exist, and CODEOWNERS for the admin surface.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OUTPUT_ROOTS } from "../../cdk8s/synth.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";

const read = (path: string): string => readFileSync(join(REPO_ROOT, path), "utf8");
const pkg = JSON.parse(read("package.json")) as { license: string; scripts: Record<string, string> };

/** `npm run <script>` names in a text that are not scripts of package.json. */
function unknownScripts(text: string): string[] {
  return [...text.matchAll(/npm run (?:-s )?([\w:-]+)/g)]
    .map((m) => m[1] ?? "")
    .filter((name) => !(name in pkg.scripts));
}

describe("repository conventions", () => {
  it("LICENSE is the full Apache License 2.0 that package.json names", () => {
    expect(pkg.license).toBe("Apache-2.0");
    const license = read("LICENSE");
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    for (const section of [
      "1. Definitions.",
      "9. Accepting Warranty or Additional Liability.",
      "END OF TERMS AND CONDITIONS",
    ])
      expect(license).toContain(section);
  });

  it("SECURITY.md says how to report privately", () => {
    expect(read("SECURITY.md")).toMatch(/Report a vulnerability/);
  });

  it("CONTRIBUTING.md covers running, the rate and regeneration, with commands that exist", () => {
    const text = read("CONTRIBUTING.md");
    for (const command of [
      "npm test",
      "npm run local",
      "npm run set-rate",
      "npm run synth",
      "npm run dashboards",
      "npm run import",
    ])
      expect(text).toContain(command);
    for (const folder of OUTPUT_ROOTS) expect(text).toContain(`\`${folder}/\``);
    expect(unknownScripts(text)).toEqual([]);
    expect(unknownScripts("npm run no-such-script")).toEqual(["no-such-script"]);
  });

  it("CODEOWNERS owns argocd/ and cdk8s/", () => {
    const rules = read(".github/CODEOWNERS")
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("#"))
      .map((line) => line.trim().split(/\s+/));
    for (const path of ["/argocd/", "/cdk8s/"]) {
      const rule = rules.find(([pattern]) => pattern === path);
      expect(
        rule?.slice(1).every((owner) => /^@[\w-]+(\/[\w-]+)?$/.test(owner)),
        path,
      ).toBe(true);
      expect(rule?.length, path).toBeGreaterThan(1);
    }
    expect(existsSync(join(REPO_ROOT, "CODEOWNERS"))).toBe(false); // one file, where GitHub reads it first
  });
});
