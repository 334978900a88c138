/**
 * The suite's snapshot policy, proven on a throwaway project: a missing snapshot and an obsolete
 * snapshot each fail a vitest run (without CI set), and the same project passes when its snapshot
 * file is exact (the control).
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = fileURLToPath(new URL("../..", import.meta.url));
const config = join(repo, "test/support/snapshot-fixture.config.ts");
const vitestBin = join(repo, "node_modules/vitest/vitest.mjs");

const TEST_FILE = 'it("kept", () => expect({ answer: 42 }).toMatchSnapshot());\n';
const KEPT = 'exports[`kept 1`] = `\n{\n  "answer": 42,\n}\n`;\n';
const GONE = 'exports[`gone 1`] = `"left over"`;\n';
const header = "// Vitest Snapshot v1, https://vitest.dev/guide/snapshot.html\n\n";

describe("snapshot policy (vitest run without CI)", { timeout: 60_000 }, () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "snapshot-policy-"));
    await writeFile(join(dir, "fixture.test.ts"), TEST_FILE);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function vitest(snapshotFile: string | undefined): Promise<{ code: number; output: string }> {
    if (snapshotFile !== undefined) {
      await mkdir(join(dir, "__snapshots__"));
      await writeFile(join(dir, "__snapshots__", "fixture.test.ts.snap"), snapshotFile);
    }
    const env = { ...process.env, CI: "", GITHUB_ACTIONS: "", UPDATE_SNAPSHOT: "" };
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        [vitestBin, "run", "--root", dir, "--config", config],
        { env, cwd: repo },
      );
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, output: e.stdout + e.stderr };
    }
  }

  it("passes when the snapshot file is exact (control)", async () => {
    const result = await vitest(header + KEPT);
    expect(result.code, result.output).toBe(0);
  });

  it("fails on a missing snapshot and writes nothing", async () => {
    const result = await vitest(undefined);
    expect(result.code, result.output).not.toBe(0);
    expect(await readdir(dir)).not.toContain("__snapshots__");
  });

  it("fails on an obsolete snapshot and names it", async () => {
    const result = await vitest(header + GONE + "\n" + KEPT);
    expect(result.code, result.output).not.toBe(0);
    expect(result.output).toContain("obsolete snapshots");
    expect(result.output).toContain("gone 1");
  });
});
