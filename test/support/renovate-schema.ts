/**
 * Renovate's configuration JSON Schema, as the `renovate` npm package ships it
 * (`renovate-schema.json`, generated from Renovate's option definitions). Not vendored: the
 * package is AGPL-3.0-only; the file is taken from the pinned package version once per machine
 * (`npm pack`, the npm registry only) and cached.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The Renovate release whose schema the configuration is validated against. */
export const RENOVATE_VERSION = "44.121.2";

/** The schema (draft-07), fetched into the cache when missing. */
export function renovateSchema(cacheDir = join(homedir(), ".cache", "keda-event-pipeline")): object {
  const file = join(cacheDir, `renovate-${RENOVATE_VERSION}`, "renovate-schema.json");
  if (!existsSync(file)) {
    mkdirSync(cacheDir, { recursive: true });
    const work = mkdtempSync(join(cacheDir, ".renovate-"));
    try {
      const tarball = execFileSync(
        "npm",
        ["pack", `renovate@${RENOVATE_VERSION}`, "--pack-destination", work, "--silent"],
        { encoding: "utf8" },
      ).trim();
      execFileSync("tar", ["-xzf", join(work, tarball), "-C", work, "package/renovate-schema.json"]);
      mkdirSync(join(cacheDir, `renovate-${RENOVATE_VERSION}`), { recursive: true });
      renameSync(join(work, "package", "renovate-schema.json"), file);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return JSON.parse(readFileSync(file, "utf8")) as object;
}
