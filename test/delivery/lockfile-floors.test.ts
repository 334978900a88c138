/**
 * package-lock.json resolves no package of ADVISORY_FLOORS below its floor (`npm audit` cannot
 * reach the advisory service here; the floors are read from the advisories themselves).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { ADVISORY_FLOORS, type AdvisoryFloor } from "./advisory-floors.js";

interface Lockfile {
  readonly packages: Record<string, { readonly version?: string }>;
}

/** `name@version (path)` of every lockfile entry of a floor's line resolved below the floor. */
function belowFloors(lock: Lockfile, floors: readonly AdvisoryFloor[]): string[] {
  const found: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    const version = entry.version;
    if (path === "" || version === undefined) continue;
    for (const floor of floors) {
      if (floor.name !== name || !semver.satisfies(version, floor.line, { includePrerelease: true }))
        continue;
      if (semver.lt(version, floor.floor))
        found.push(`${name}@${version} (${path}) < ${floor.floor}: ${floor.advisories.join(", ")}`);
    }
  }
  return found;
}

const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as Lockfile;

describe("lockfile floors", () => {
  it("every package with an advisory floor is in the lockfile (a renamed or dropped one is noticed)", () => {
    const names = new Set(Object.keys(lock.packages).map((p) => p.split("node_modules/").at(-1)));
    expect(ADVISORY_FLOORS.map((f) => f.name).filter((n) => !names.has(n))).toEqual([]);
  });

  it("resolves none of them below its floor", () => {
    expect(belowFloors(lock, ADVISORY_FLOORS)).toEqual([]);
  });

  it("negative control: the versions memphis-dev 1.3.2 resolved before the overrides are reported", () => {
    const before: Lockfile = {
      packages: {
        "": {},
        "node_modules/express": { version: "4.18.2" },
        "node_modules/express/node_modules/path-to-regexp": { version: "0.1.7" },
        "node_modules/express/node_modules/body-parser": { version: "1.20.1" },
        "node_modules/path-to-regexp": { version: "3.2.0" },
        "node_modules/multer": { version: "1.4.4-lts.1" },
        "node_modules/send": { version: "0.18.0" },
        "node_modules/serve-static": { version: "1.15.0" },
        "node_modules/cookie": { version: "0.5.0" },
        "node_modules/qs": { version: "6.11.0" },
        // another major line of a floored package is not judged by that floor
        "node_modules/other/node_modules/path-to-regexp": { version: "8.4.2" },
      },
    };
    expect(belowFloors(before, ADVISORY_FLOORS).map((line) => line.split(" (")[0])).toEqual([
      "express@4.18.2",
      "path-to-regexp@0.1.7",
      "body-parser@1.20.1",
      "path-to-regexp@3.2.0",
      "multer@1.4.4-lts.1",
      "send@0.18.0",
      "serve-static@1.15.0",
      "cookie@0.5.0",
      "qs@6.11.0",
    ]);
  });
});
