/**
 * The layering check of `npm run lint` (`npm run layers`, dependency-cruiser with
 * .dependency-cruiser.mjs) fails on a wrong import: the repository's own rules run against small
 * trees laid out like the repository in a temporary directory, each holding one arrow. A tree with
 * only allowed arrows passes, so a failure is the rule's and not the set-up's.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../tooling/repo-root.js";

const CONFIG = join(REPO_ROOT, ".dependency-cruiser.mjs");
const DEPCRUISE = join(REPO_ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");
const roots: string[] = [];

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

/** Run the repository's layering check on `files` (path -> text) laid out in a fresh tree. */
function cruise(files: Record<string, string>, outputType: "json" | "err") {
  const root = mkdtempSync(join(tmpdir(), "layers-"));
  roots.push(root);
  const tree: Record<string, string> = {
    "tsconfig.json": JSON.stringify({
      compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true },
    }),
    ...files,
  };
  for (const [path, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const top = [...new Set(Object.keys(files).map((path) => path.split("/")[0] ?? ""))];
  const result = spawnSync(
    process.execPath,
    [DEPCRUISE, ...top, "--config", CONFIG, "--output-type", outputType],
    { cwd: root, encoding: "utf8", timeout: 150_000 },
  );
  return result;
}

/** The rules `files` break, as `rule from -> to`. */
function violationsOf(files: Record<string, string>): string[] {
  const result = cruise(files, "json");
  if (result.stdout.trim() === "") throw new Error(`depcruise printed nothing: ${result.stderr}`);
  const report = JSON.parse(result.stdout) as {
    summary: { violations: Violation[]; error: number };
    modules: { source: string; dependencies: { resolved: string; couldNotResolve: boolean }[] }[];
  };
  // Every fixture import resolves: an unresolved one would pass every rule unseen.
  const unresolved = report.modules.flatMap((m) => m.dependencies.filter((d) => d.couldNotResolve));
  expect(unresolved).toEqual([]);
  return report.summary.violations.map((v) => `${v.rule.name} ${v.from} -> ${v.to}`);
}

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Allowed arrows: down the layers and sideways inside a folder. */
const ALLOWED = {
  "src/util/sleep.ts": "export const sleep = 1;\n",
  "src/broker/port.ts": 'import { sleep } from "../util/sleep.js";\nexport const port = sleep;\n',
  "src/runtime/app-runtime.ts": "export const runtime = 1;\n",
  "tooling/cli.ts": "export const cli = 1;\n",
  "cdk8s/charts/pipeline-chart.ts": "export type Chart = number;\n",
  "cdk8s/main.ts":
    'import { cli } from "../tooling/cli.js";\nimport { port } from "../src/broker/port.js";\nexport const main = cli + port;\n',
  "testkit/nats-server.ts": "export const nats = 1;\n",
  "local/main.ts":
    'import { nats } from "../testkit/nats-server.js";\nimport { main } from "../cdk8s/main.js";\nexport const local = nats + main;\n',
};

/** One wrong arrow per file, each with the rule that must name it. */
const WRONG = {
  "src/util/upward.ts": [
    'import { local } from "../../local/main.js";\nexport const upward = local;\n',
    "src-stays-inside src/util/upward.ts -> local/main.ts",
  ],
  "src/broker/upward.ts": [
    'import { runtime } from "../runtime/app-runtime.js";\nexport const upward = runtime;\n',
    "src-broker-below-runtime src/broker/upward.ts -> src/runtime/app-runtime.ts",
  ],
  "cdk8s/lib/kit.ts": [
    'import { nats } from "../../testkit/nats-server.js";\nexport const kit = nats;\n',
    "cdk8s-below-kit-and-commands cdk8s/lib/kit.ts -> testkit/nats-server.ts",
  ],
  "cdk8s/lib/chart.ts": [
    'import type { Chart } from "../charts/pipeline-chart.js";\nexport type Labels = Chart;\n',
    "cdk8s-lib-below-charts cdk8s/lib/chart.ts -> cdk8s/charts/pipeline-chart.ts",
  ],
  "tooling/circle-a.ts": [
    'import type { B } from "./circle-b.js";\nexport type A = { b?: B };\n',
    "no-circular tooling/circle-a.ts -> tooling/circle-b.ts",
  ],
  "tooling/circle-b.ts": ['import type { A } from "./circle-a.js";\nexport type B = { a?: A };\n', undefined],
} as const;

describe("layering rules (npm run layers)", () => {
  it("a tree of allowed arrows passes", () => {
    expect(violationsOf(ALLOWED)).toEqual([]);
  }, 180_000);

  it("each wrong arrow fails, named by its rule: upward, into the kit, in a circle (type-only too)", () => {
    const files = {
      ...ALLOWED,
      ...Object.fromEntries(Object.entries(WRONG).map(([path, [text]]) => [path, text])),
    };
    const expected = Object.values(WRONG).flatMap(([, violation]) =>
      violation === undefined ? [] : [violation],
    );
    expect(violationsOf(files).sort()).toEqual([...expected].sort());
  }, 180_000);

  it("the lint step's output exits non-zero and names the rule", () => {
    const lint = cruise({ ...ALLOWED, "src/util/upward.ts": WRONG["src/util/upward.ts"][0] }, "err");
    expect(lint.status).not.toBe(0);
    expect(lint.stdout).toContain("src-stays-inside");
  }, 180_000);
});
