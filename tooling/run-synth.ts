/**
 * Re-synthesize the manifests after an edit of what they are built from (`npm run synth`, the cdk8s
 * app): the data files, the sealed files. Throws when the synth fails, so that the edit is undone.
 */
import { spawnSync } from "node:child_process";
import { REPO_ROOT } from "./repo-root.js";

/** Run `npm run synth` in the repository; throws naming the exit code when it fails. */
export function runSynth(root: string = REPO_ROOT): void {
  const result = spawnSync("npm", ["run", "-s", "synth"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`npm run synth failed (exit ${result.status ?? result.signal})`);
}
