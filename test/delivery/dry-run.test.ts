/**
 * `set-rate --dry-run` and `bump-images --dry-run` print the diff of the config file and write
 * nothing: not the config, not the PR body, no synth.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IMAGES, PRODUCER_RATE_PER_SECOND } from "../../cdk8s/config.js";
import { runBumpImages } from "../../scripts/lib/bump-images-command.js";
import { unifiedDiff } from "../../tooling/line-diff.js";
import { CONFIG_FILE, runSetRate } from "../../scripts/lib/set-rate-command.js";

let dir: string;
let config: string;
let original: string;
const logs: string[] = [];
let synthRuns = 0;
const io = {
  log: (line: string) => logs.push(line),
  synth: () => {
    synthRuns++;
    return true;
  },
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "dry-run-"));
  config = join(dir, "config.ts");
  copyFileSync(CONFIG_FILE, config);
  original = readFileSync(config, "utf8");
  logs.length = 0;
  synthRuns = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The -/+ lines of the printed diff. */
const changes = (): string[] =>
  logs
    .join("\n")
    .split("\n")
    .filter((line) => /^[-+] /.test(line));

describe("--dry-run", () => {
  it("set-rate prints the changed rate line and writes nothing", () => {
    const body = join(dir, "body.md");
    runSetRate(["--env", "dev", "--rate", "7.5", "--config", config, "--pr-body", body, "--dry-run"], io);
    expect(changes()).toEqual([`-  dev: ${PRODUCER_RATE_PER_SECOND.dev},`, "+  dev: 7.5,"]);
    expect(logs).toContain("dry run: nothing written");
    expect(readFileSync(config, "utf8")).toBe(original);
    expect(existsSync(body)).toBe(false);
    expect(synthRuns).toBe(0);
  });

  it("negative control: without --dry-run the same command writes and synthesizes", () => {
    runSetRate(["--env", "dev", "--rate", "7.5", "--config", config], io);
    expect(changes()).toEqual([]);
    expect(readFileSync(config, "utf8")).not.toBe(original);
    expect(synthRuns).toBe(1);
  });

  it("bump-images prints both image lines and writes nothing", () => {
    runBumpImages(["--tag", "abc123", "--config", config, "--dry-run"], io);
    const line = (app: "producer" | "consumer", tag: string) =>
      `  ${app}: { repository: "${IMAGES[app].repository}", tag: "${tag}" },`;
    expect(changes()).toEqual([
      `-${line("producer", IMAGES.producer.tag)}`,
      `+${line("producer", "abc123")}`,
      `-${line("consumer", IMAGES.consumer.tag)}`,
      `+${line("consumer", "abc123")}`,
    ]);
    expect(readFileSync(config, "utf8")).toBe(original);
    expect(synthRuns).toBe(0);
  });

  it("the diff has unified hunks with context, and is empty when nothing changes", () => {
    const before = ["a", "b", "c", "d", "e", "f", "g", "h", "i"].join("\n");
    const after = ["a", "B", "c", "d", "e", "f", "g", "H", "i"].join("\n");
    expect(unifiedDiff("x.ts", before, after, 1).split("\n")).toEqual([
      "--- a/x.ts",
      "+++ b/x.ts",
      "@@ -1,3 +1,3 @@",
      " a",
      "-b",
      "+B",
      " c",
      "@@ -7,3 +7,3 @@",
      " g",
      "-h",
      "+H",
      " i",
    ]);
    expect(unifiedDiff("x.ts", before, before)).toBe("");
  });
});
