/**
 * Every npm script with flags, run as users run it (tsx): `--help` prints its usage on stdout and
 * exits 0 having done nothing (no file it writes changes); an unknown flag prints the problem and
 * the usage on stderr and exits 2.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../tooling/repo-root.js";

const TSX = join(REPO_ROOT, "node_modules", ".bin", "tsx");
const scratch = mkdtempSync(join(tmpdir(), "script-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** npm script -> its entry file and the folders it writes (which --help must leave alone). */
const SCRIPTS: Record<string, { entry: string; writes: string[]; args?: string[] }> = {
  build: { entry: "scripts/build.ts", writes: ["dist"] },
  import: { entry: "scripts/import-crds.ts", writes: ["cdk8s/imports"] },
  dashboards: { entry: "scripts/dashboards.ts", writes: ["dashboards"] },
  docs: { entry: "scripts/configuration-doc.ts", writes: ["docs"] },
  synth: { entry: "cdk8s/main.ts", writes: [scratch], args: ["--out", scratch] },
  "synth:check": { entry: "scripts/synth-check.ts", writes: ["dist-manifests", "argocd"] },
  seal: { entry: "scripts/seal.ts", writes: ["cdk8s/sealed"] },
  "set-rate": {
    entry: "scripts/set-rate.ts",
    writes: ["cdk8s/data"],
    args: ["--env", "dev", "--rate", "1"],
  },
  "bump-images": { entry: "scripts/bump-images.ts", writes: ["cdk8s/data"], args: ["--tag", "x"] },
  "node-lines": { entry: "scripts/node-lines.ts", writes: [] },
  "test:shipped-node": { entry: "scripts/test-shipped-node.ts", writes: [] },
  "tool-versions": { entry: "scripts/tool-versions.ts", writes: [] },
  "chart-facts": { entry: "scripts/chart-facts.ts", writes: ["schemas"] },
  "test:broker-versions": { entry: "scripts/test-broker-versions.ts", writes: [] },
  // The two applications build the apps after reading their flags: --help must not.
  local: { entry: "local/main.ts", writes: ["dist"] },
  bench: { entry: "bench/src/main.ts", writes: ["dist", "bench/results.json"] },
  kind: { entry: "scripts/kind.ts", writes: [".kind", "cdk8s/config.ts"], args: ["up"] },
  "release-notes": { entry: "scripts/release-notes.ts", writes: [] },
};

function run(entry: string, args: readonly string[]) {
  const result = spawnSync(TSX, [join(REPO_ROOT, entry), ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Modification time of every file under `paths` (absolute or repository-relative). */
function snapshot(paths: readonly string[]): Map<string, number> {
  const times = new Map<string, number>();
  const walk = (path: string): void => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else times.set(path, stat.mtimeMs);
  };
  for (const path of paths) walk(path.startsWith("/") ? path : join(REPO_ROOT, path));
  return times;
}

describe("script flags", () => {
  it("covers every npm script that runs a tsx entry with flags", async () => {
    const { scripts } = (await import("../../package.json", { with: { type: "json" } })).default as {
      scripts: Record<string, string>;
    };
    const entries = Object.entries(scripts)
      .filter(([, command]) => /tsx (scripts|cdk8s|local|bench)\//.test(command) && !/ --/.test(command))
      .map(([name]) => name);
    expect(entries.sort()).toEqual(Object.keys(SCRIPTS).sort());
  });

  it.each(Object.entries(SCRIPTS))("%s --help prints usage, exits 0, does no work", (_, script) => {
    const before = snapshot(script.writes);
    const result = run(script.entry, [...(script.args ?? []), "--help"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run /);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toMatch(/^\s+-h, --help\s+print this help and exit$/);
    expect(snapshot(script.writes)).toEqual(before);
  });

  it.each(Object.entries(SCRIPTS))("%s --no-such-flag prints the problem and usage, exits 2", (_, script) => {
    const result = run(script.entry, ["--no-such-flag"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/Unknown option '--no-such-flag'/);
    expect(result.stderr).toMatch(/\nUsage: npm run /);
  });

  it("negative control: synth without --help does write, so the no-work check can fail", () => {
    const out = mkdtempSync(join(scratch, "control-"));
    expect(snapshot([out]).size).toBe(0);
    const result = run("cdk8s/main.ts", ["--out", out]);
    expect(result.code, result.stderr).toBe(0);
    expect(snapshot([out]).size).toBeGreaterThan(0);
  });
});
