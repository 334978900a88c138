/**
 * The image build's output streams (testkit/image/container-cli.ts runStreaming): each line
 * reaches the log while the command still runs. The command below only finishes after the test
 * has seen its first line, so buffered output could never let it finish.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runStreaming } from "../../testkit/image/container-cli.js";

const dir = mkdtempSync(join(tmpdir(), "run-streaming-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("runStreaming", () => {
  it("hands each line to the log as it comes, stdout and stderr", async () => {
    const flag = join(dir, "seen-first");
    const lines: string[] = [];
    await runStreaming(
      ["sh", "-c", `echo first; while [ ! -e '${flag}' ]; do sleep 0.05; done; echo second >&2`],
      {
        log: (line) => {
          lines.push(line);
          if (line === "first") writeFileSync(flag, "");
        },
        timeoutMs: 30_000,
      },
    );
    expect(lines).toEqual(["first", "second"]);
    expect(existsSync(flag)).toBe(true);
  });

  it("rejects with the last lines when the command fails", async () => {
    await expect(
      runStreaming(["sh", "-c", "echo building; echo broken >&2; exit 3"], { log: () => {} }),
    ).rejects.toThrow(/exit 3\):\n(building\nbroken|broken\nbuilding)$/);
  });
});
