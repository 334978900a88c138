/**
 * Re-synthesize the manifests after a config edit (`npm run synth`, provided by the cdk8s app).
 * When the script does not exist (yet), say so instead of failing.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./repo-root.js";

/** Run `npm run synth` in the repository; returns false when there is no such script. */
export function runSynth(log: (line: string) => void, root: string = REPO_ROOT): boolean {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    scripts?: Record<string, string>;
  };
  if (pkg.scripts?.synth === undefined) {
    log("note: package.json has no `synth` script; manifests were NOT re-synthesized");
    return false;
  }
  const result = spawnSync("npm", ["run", "-s", "synth"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`npm run synth failed (exit ${result.status ?? result.signal})`);
  return true;
}
