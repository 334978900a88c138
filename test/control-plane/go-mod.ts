// Writes the staging-module replace block of test/control-plane/go.mod from k8s.io/kubernetes's own go.mod.
// Kubernetes publishes its staging modules (k8s.io/api, k8s.io/apimachinery, ...) as separate modules tagged
// v0.<minor>.<patch> for release v1.<minor>.<patch>, and its go.mod replaces each with ./staging/src/...; a module
// that requires k8s.io/kubernetes must replace each with the matching v0 release instead.
// `tsx test/control-plane/go-mod.ts` rewrites go.mod; `--check` exits 1 when it is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { goEnvironment, GO_MODULE_DIR } from "./go-build.js";

const GO_MOD = `${GO_MODULE_DIR}/go.mod`;
const BEGIN = "// BEGIN generated staging replaces";
const END = "// END generated staging replaces";

/** The k8s.io/kubernetes version go.mod requires. */
export function kubernetesVersion(goMod: string): string {
  const match = /^\s*(?:require\s+)?k8s\.io\/kubernetes\s+(v1\.\d+\.\d+)\s*$/m.exec(goMod);
  if (!match?.[1]) throw new Error(`${GO_MOD}: no "require k8s.io/kubernetes v1.x.y" line`);
  return match[1];
}

/** The replace block for `kubernetesGoMod` (the text of k8s.io/kubernetes's go.mod at `version`). */
export function stagingReplaces(kubernetesGoMod: string, version: string): string {
  const stagingVersion = version.replace(/^v1\./, "v0.");
  const modules = [...kubernetesGoMod.matchAll(/^\s*(\S+)\s+=>\s+\.\/staging\/src\/(\S+)\s*$/gm)].map((m) => {
    if (m[1] !== m[2]) throw new Error(`unexpected staging replace ${m[0].trim()}`);
    return m[1] as string;
  });
  if (modules.length === 0)
    throw new Error(`k8s.io/kubernetes ${version} go.mod has no ./staging/src replaces`);
  const lines = modules.map((module) => `\t${module} => ${module} ${stagingVersion}`);
  return [BEGIN, "replace (", ...lines, ")", END].join("\n");
}

/** go.mod with its generated block replaced (or appended). */
export function withStagingReplaces(goMod: string, block: string): string {
  const start = goMod.indexOf(BEGIN);
  const end = goMod.indexOf(END);
  if (start === -1 || end === -1) return `${goMod.trimEnd()}\n\n${block}\n`;
  return goMod.slice(0, start) + block + goMod.slice(end + END.length);
}

function kubernetesGoModText(version: string): string {
  const json = execFileSync("go", ["list", "-m", "-json", `k8s.io/kubernetes@${version}`], {
    cwd: GO_MODULE_DIR,
    env: goEnvironment(),
    encoding: "utf8",
  });
  const { GoMod } = JSON.parse(json) as { GoMod?: string };
  if (!GoMod) throw new Error(`go list gave no go.mod path for k8s.io/kubernetes@${version}`);
  return readFileSync(GoMod, "utf8");
}

function main(): void {
  const check = process.argv.includes("--check");
  const current = readFileSync(GO_MOD, "utf8");
  const version = kubernetesVersion(current);
  const next = withStagingReplaces(current, stagingReplaces(kubernetesGoModText(version), version));
  if (check) {
    if (next !== current) {
      console.error(`${GO_MOD} is stale: run npm run control-plane:go-mod`);
      process.exit(1);
    }
    return;
  }
  writeFileSync(GO_MOD, next);
  console.log(`${GO_MOD}: staging replaces for k8s.io/kubernetes ${version}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
