/** `npm run local -- --help` prints the usage and exits 0 at once; a bad flag prints it and exits 2. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../../tooling/repo-root.js";

const run = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "local", "main.ts"), ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 30_000,
  });

describe("npm run local flags", () => {
  it("--help: usage on stdout, exit 0, nothing started or built", () => {
    const result = run("--help");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run local -- /);
    expect(result.stdout).toContain("--speed");
    expect(result.stdout).not.toContain("[local]");
  });

  for (const [what, args, named] of [
    ["an unknown flag", ["--bogus"], "--bogus"],
    ["a bad speed", ["--speed", "0"], "--speed"],
    ["an unknown environment", ["--env", "staging"], "--env"],
    ["a positional argument", ["fast"], "fast"],
  ] as const) {
    it(`${what}: the error naming it and the usage on stderr, exit 2`, () => {
      const result = run(...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(named);
      expect(result.stderr).toContain("Usage: npm run local -- ");
      expect(result.stdout).toBe("");
    });
  }
});
