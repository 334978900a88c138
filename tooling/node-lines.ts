/**
 * The Node.js major lines `package.json` `engines.node` claims: one per `||` clause, each bounded
 * to one major (e.g. `^20.19.0 || ^24.11.0` claims 20 and 24). The CI workflow tests each of them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { REPO_ROOT } from "./repo-root.js";

/** Majors of an engines range; throws when a clause is open-ended or spans several majors. */
export function engineMajors(range: string): number[] {
  return range.split("||").map((clause) => {
    const min = semver.minVersion(clause);
    if (min === null) throw new Error(`engines.node clause "${clause.trim()}" matches no version`);
    if (semver.satisfies(`${min.major + 1}.0.0`, clause))
      throw new Error(
        `engines.node clause "${clause.trim()}" is not bounded to one major: CI cannot test it`,
      );
    return min.major;
  });
}

/** `engines.node` of this repository's package.json. */
export function enginesRange(): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
    engines?: { node?: string };
  };
  if (pkg.engines?.node === undefined) throw new Error("package.json has no engines.node");
  return pkg.engines.node;
}
