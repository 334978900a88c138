/**
 * The apps' pretty logs: colours unless NO_COLOR is set (no-color.org), and plain JSON when
 * pino-pretty is not installed (the images). Each case runs the logger in a child process and reads
 * what it wrote, since pino-pretty writes from a worker thread.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { colorsWanted, prettyPrinterPath } from "../../../src/runtime/logger.js";
import { REPO_ROOT } from "../../../tooling/repo-root.js";

const ESC = "\u001b[";

/** What one `info` line looks like when logged with `pretty`, under `env`. */
function logged(pretty: boolean, env: Record<string, string>): string {
  const script = [
    `import { createLogger } from ${JSON.stringify(join(REPO_ROOT, "src", "runtime", "logger.ts"))};`,
    `const logger = createLogger({ app: "producer", instance: "i", consumerGroup: "g", level: "info", pretty: ${pretty} });`,
    `logger.info({ n: 1 }, "hello");`,
  ].join("\n");
  const { NO_COLOR: _ignored, ...base } = process.env;
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: REPO_ROOT,
    env: { ...base, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

describe("logger", () => {
  it("pretty output is coloured by default (negative control for NO_COLOR)", () => {
    const out = logged(true, {});
    expect(out).toContain("hello");
    expect(out).toContain(ESC);
  });

  it("NO_COLOR=1 keeps the pretty layout without colours", () => {
    const out = logged(true, { NO_COLOR: "1" });
    expect(out).toContain("hello");
    expect(out).not.toContain(ESC);
    expect(out.trim().startsWith("{")).toBe(false);
  });

  it("an empty NO_COLOR does not count (no-color.org)", () => {
    expect(colorsWanted({ NO_COLOR: "" })).toBe(true);
    expect(colorsWanted({ NO_COLOR: "1" })).toBe(false);
    expect(colorsWanted({})).toBe(true);
  });

  it("without pretty the line is JSON", () => {
    expect(JSON.parse(logged(false, {}).trim())).toMatchObject({ msg: "hello", n: 1, app: "producer" });
  });

  it("pino-pretty is found here (a development dependency)", () => {
    expect(prettyPrinterPath()).toMatch(/pino-pretty/);
  });
});
