/**
 * `set-rate --dry-run` and `bump-images --dry-run` print the diff of their data file and write
 * nothing: not the data file, not the PR body, no synth.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { IMAGES, PRODUCER_RATE_PER_SECOND } from "../../cdk8s/config.js";
import { runBumpImages } from "../../cdk8s/config-edits/bump-images.js";
import { runSetRate } from "../../cdk8s/config-edits/set-rate.js";
import { unifiedDiff } from "../../tooling/line-diff.js";
import { useDataCopies } from "./data-copies.js";

const files = useDataCopies("dry-run-");
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
  logs.length = 0;
  synthRuns = 0;
});

/** The -/+ lines of the printed diff. */
const changes = (): string[] =>
  logs
    .join("\n")
    .split("\n")
    .filter((line) => /^[-+] /.test(line));

describe("--dry-run", () => {
  it("set-rate prints the changed rate line and writes nothing", () => {
    const body = join(files.dir, "body.md");
    runSetRate(["--env", "dev", "--rate", "7.5", "--data", files.rates, "--pr-body", body, "--dry-run"], io);
    expect(changes()).toEqual([`-  "dev": ${PRODUCER_RATE_PER_SECOND.dev},`, '+  "dev": 7.5,']);
    expect(logs).toContain("dry run: nothing written");
    expect(readFileSync(files.rates, "utf8")).toBe(files.originalRates);
    expect(existsSync(body)).toBe(false);
    expect(synthRuns).toBe(0);
  });

  it("negative control: without --dry-run the same command writes and synthesizes", () => {
    runSetRate(["--env", "dev", "--rate", "7.5", "--data", files.rates], io);
    expect(changes()).toEqual([]);
    expect(readFileSync(files.rates, "utf8")).not.toBe(files.originalRates);
    expect(synthRuns).toBe(1);
  });

  it("bump-images prints both image lines and writes nothing", () => {
    runBumpImages(["--tag", "abc123", "--data", files.images, "--dry-run"], io);
    const line = (tag: string) => `    "tag": "${tag}"`;
    expect(changes()).toEqual([
      `-${line(IMAGES.producer.tag)}`,
      `+${line("abc123")}`,
      `-${line(IMAGES.consumer.tag)}`,
      `+${line("abc123")}`,
    ]);
    expect(readFileSync(files.images, "utf8")).toBe(files.originalImages);
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
