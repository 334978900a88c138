/**
 * `npx cdk8s synth` (the cdk8s CLI reading cdk8s.yaml) writes exactly what `npm run synth` writes:
 * the same files with the same content, compared by the same check as `npm run synth:check`.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OUTPUT_ROOTS } from "../../cdk8s/synth.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { synthDifferences } from "../../scripts/synth-check.js";

const out = join(mkdtempSync(join(tmpdir(), "cdk8s-cli-")), "out");
afterAll(() => rmSync(join(out, ".."), { recursive: true, force: true }));

describe("npx cdk8s synth", () => {
  it("writes the same tree as npm run synth", () => {
    const cli = join(REPO_ROOT, "node_modules", ".bin", "cdk8s");
    const result = spawnSync(cli, ["synth", "--output", out, "--no-validate"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(readdirSync(out).sort()).toEqual([...OUTPUT_ROOTS].sort());
    expect(synthDifferences(out)).toEqual([]);
  }, 150_000);

  it("negative control: a changed file in that tree is reported", () => {
    const folder = OUTPUT_ROOTS[0] ?? "";
    const env = readdirSync(join(out, folder))[0] ?? "";
    const file = readdirSync(join(out, folder, env)).find((f) => f.endsWith(".yaml")) ?? "";
    appendFileSync(join(out, folder, env, file), "# edited\n");
    expect(synthDifferences(out)).toEqual([expect.stringMatching(new RegExp(`${file}`))]);
  });
});
