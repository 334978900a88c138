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
  readonly packages: Record<
    string,
    {
      readonly version?: string;
      readonly dependencies?: Record<string, string>;
      readonly optionalDependencies?: Record<string, string>;
    }
  >;
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

/** Ranges are compared with prereleases (NestJS pins multer 1.4.4-lts.1). */
const PRE = { includePrerelease: true };

/**
 * Overrides that do not raise a floor. An override `name[@major]` is needed only when a package in
 * the tree declares a range for `name` that admits nothing at or above the floor (e.g. NestJS pins
 * express 4.18.2): every other range already resolves at or above it, since npm takes the highest
 * version a range admits. And where a dependent's range does admit the floor, the override must
 * stay inside that range instead of forcing a version its dependent never declared.
 */
function overrideProblems(
  overrides: Record<string, string>,
  lock: Lockfile,
  floors: readonly AdvisoryFloor[],
): string[] {
  const problems: string[] = [];
  for (const [key, forced] of Object.entries(overrides)) {
    const at = key.lastIndexOf("@");
    const [name, major] = at > 0 ? [key.slice(0, at), key.slice(at + 1)] : [key, "*"];
    const floor = floors.find((f) => f.name === name && semver.intersects(f.line, major, PRE));
    if (floor === undefined) {
      problems.push(`${key}: no advisory floor in advisory-floors.ts`);
      continue;
    }
    const ranges = Object.entries(lock.packages).flatMap(([path, entry]) => {
      const range = { ...entry.optionalDependencies, ...entry.dependencies }[name];
      return range !== undefined && semver.validRange(range) !== null && semver.intersects(range, major, PRE)
        ? [{ path: path || "(root)", range }]
        : [];
    });
    const atFloor = `>=${floor.floor}`;
    if (!ranges.some((r) => !semver.intersects(r.range, atFloor, PRE)))
      problems.push(
        `${key}: redundant, every dependent's range admits ${atFloor} (${ranges.map((r) => r.range).join(", ")})`,
      );
    for (const r of ranges.filter(
      (r) => semver.intersects(r.range, atFloor, PRE) && !semver.intersects(r.range, forced, PRE),
    ))
      problems.push(`${key}: "${forced}" is outside ${r.path}'s range ${r.range}, which admits ${atFloor}`);
  }
  return problems;
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

  it("every override raises a floor, and none forces a version outside a range that admits the floor", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      overrides: Record<string, string>;
    };
    expect(Object.keys(pkg.overrides).sort()).toEqual([
      "body-parser@1",
      "express@4",
      "multer",
      "path-to-regexp@3",
    ]);
    expect(overrideProblems(pkg.overrides, lock, ADVISORY_FLOORS)).toEqual([]);
  });

  it("negative control: the five overrides that raised nothing, and qs forced outside express's ~6.16.0, are reported", () => {
    const before = {
      "express@4": "^4.22.3",
      "path-to-regexp@0": "^0.1.13",
      "send@0": "^0.19.2",
      "serve-static@1": "^1.16.3",
      "cookie@0": "^0.7.2",
      "qs@6": "^6.17.1",
      multer: "^2.5.0",
    };
    const problems = overrideProblems(before, lock, ADVISORY_FLOORS);
    expect(problems.filter((p) => p.includes("redundant")).map((p) => p.split(":")[0])).toEqual([
      "path-to-regexp@0",
      "send@0",
      "serve-static@1",
      "cookie@0",
      "qs@6",
    ]);
    expect(problems).toContain(
      'qs@6: "^6.17.1" is outside node_modules/express\'s range ~6.16.0, which admits >=6.16.0',
    );
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
