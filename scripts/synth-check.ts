/**
 * `npm run synth:check`: synthesize into a temporary directory and compare with the committed
 * `dist-manifests/` and `argocd/`. Exits 1 with a summary (added / removed / changed files, first
 * differing line of each) when they differ: run `npm run synth` and commit.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { OUTPUT_ROOTS, synthesize, writeSynthesized } from "../cdk8s/synth.js";
import { parseCli, runCli } from "../tooling/cli.js";

function listFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(root, path).split("\\").join("/"), readFileSync(path, "utf8"));
    }
  };
  for (const folder of OUTPUT_ROOTS) walk(join(root, folder));
  return files;
}

/** Differences between the committed tree under `repoRoot` and a fresh synthesis, as report lines. */
export function synthDifferences(repoRoot: string): string[] {
  const temp = mkdtempSync(join(tmpdir(), "synth-check-"));
  try {
    writeSynthesized(synthesize(), temp);
    const fresh = listFiles(temp);
    const committed = listFiles(repoRoot);
    const lines: string[] = [];
    for (const [path, content] of fresh) {
      const old = committed.get(path);
      if (old === undefined) lines.push(`added:   ${path}`);
      else if (old !== content) {
        const a = old.split("\n");
        const b = content.split("\n");
        const i = b.findIndex((line, n) => line !== a[n]);
        lines.push(
          `changed: ${path} (line ${i + 1}: ${JSON.stringify(a[i] ?? "")} -> ${JSON.stringify(b[i] ?? "")})`,
        );
      }
    }
    for (const path of committed.keys()) if (!fresh.has(path)) lines.push(`removed: ${path}`);
    return lines.sort();
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  runCli("synth:check", () => {
    parseCli(
      {
        usage: "npm run synth:check",
        description:
          "Synthesize into a temporary directory and compare with the committed dist-manifests/ and argocd/ (exit 1 when they differ).",
        options: {},
      },
      process.argv.slice(2),
    );
    const differences = synthDifferences(resolve(import.meta.dirname, ".."));
    if (differences.length > 0) {
      console.error(`dist-manifests/ or argocd/ is stale (${differences.length} files differ):`);
      for (const line of differences) console.error(`  ${line}`);
      console.error("Run `npm run synth` and commit the result.");
      return 1;
    }
    console.log("dist-manifests/ and argocd/ match a fresh synthesis");
    return 0;
  });
}
