/**
 * Bundle the apps (`npm run build`) before a command runs them from dist/: the local run and the
 * bench call it after their flags are parsed, so that `--help` and a bad flag answer at once.
 */
import { spawnSync } from "node:child_process";
import { REPO_ROOT } from "./repo-root.js";

/** Run `npm run build` in the repository, its output on this terminal; throws when it fails. */
export function buildApps(root: string = REPO_ROOT): void {
  const result = spawnSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status ?? result.signal})`);
}
