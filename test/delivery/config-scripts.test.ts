/**
 * `npm run set-rate` / `npm run bump-images` on a temporary copy of cdk8s/config.ts (the real file
 * is never touched): only the targeted literals change, input is validated, the PR text is right.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BROKER_BY_ENVIRONMENT, ENVIRONMENTS, IMAGES, PRODUCER_RATE_PER_SECOND } from "../../cdk8s/config.js";
import { runBumpImages } from "../../scripts/lib/bump-images-command.js";
import { estimateReplicas } from "../../cdk8s/config-edits/expected-replicas.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { CONFIG_FILE, parseRate, runSetRate } from "../../scripts/lib/set-rate-command.js";
import { editExportedObject, readLiterals } from "../../scripts/lib/ts-config-edit.js";

let dir: string;
let config: string;
let original: string;
const logs: string[] = [];
const io = { log: (line: string) => logs.push(line), synth: () => false };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "config-scripts-"));
  config = join(dir, "config.ts");
  copyFileSync(CONFIG_FILE, config);
  original = readFileSync(config, "utf8");
  logs.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Lines that differ between two texts of the same line count. */
function changedLines(before: string, after: string): { before: string; after: string }[] {
  const a = before.split("\n");
  const b = after.split("\n");
  expect(b.length).toBe(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [{ before: line, after: b[i] ?? "" }]));
}

describe("ts-config-edit", () => {
  const source = [
    "// comment stays",
    "export const A = { x: 1, 'y': \"s\", nested: { z: -2 } } as const;",
    "const B = { x: 1 };",
    "export const C = 3;",
  ].join("\n");

  it("replaces only the literal spans and reports previous values", () => {
    const result = editExportedObject(source, "f.ts", "A", [
      { path: ["nested", "z"], value: 0.0083 },
      { path: ["y"], value: 'q"uote' },
    ]);
    expect(result.previous).toEqual([-2, "s"]);
    expect(result.text).toBe(source.replace("-2", "0.0083").replace('"s"', '"q\\"uote"'));
    expect(readLiterals(result.text, "f.ts", "A", [["x"], ["nested", "z"]])).toEqual([1, 0.0083]);
  });

  it("names what is missing or not editable", () => {
    expect(() => editExportedObject(source, "f.ts", "B", [])).toThrow(/no `export const B` found/);
    expect(() => editExportedObject(source, "f.ts", "C", [])).toThrow(
      /not initialized with an object literal/,
    );
    expect(() => editExportedObject(source, "f.ts", "A", [{ path: ["w"], value: 1 }])).toThrow(
      /f.ts: A has no property "w" \(it has: x, y, nested\)/,
    );
    expect(() => editExportedObject(source, "f.ts", "A", [{ path: ["nested"], value: 1 }])).toThrow(
      /A.nested is not a string or number literal/,
    );
  });
});

describe("set-rate", () => {
  it("edits only PRODUCER_RATE_PER_SECOND.<env> and writes the PR body", () => {
    const body = join(dir, "body.md");
    const result = runSetRate(
      ["--env", "prod", "--rate", "120", "--config", config, "--pr-body", body, "--no-synth"],
      io,
    );
    expect(result.oldRate).toBe(PRODUCER_RATE_PER_SECOND.prod);
    const edited = readFileSync(config, "utf8");
    expect(changedLines(original, edited)).toEqual([
      { before: `  prod: ${PRODUCER_RATE_PER_SECOND.prod},`, after: "  prod: 120," },
    ]);
    expect(readLiterals(edited, config, "PRODUCER_RATE_PER_SECOND", [["dev"], ["prod"]])).toEqual([
      PRODUCER_RATE_PER_SECOND.dev,
      120,
    ]);
    const text = readFileSync(body, "utf8");
    expect(text).toContain(`**${PRODUCER_RATE_PER_SECOND.prod} → 120**`);
    expect(text).toContain(`Expected steady-state consumer replicas: ${result.estimate.expectedReplicas}`);
    expect(text).toContain(`lagThreshold | ${ENVIRONMENTS.prod.consumer.lagThreshold}`);
    expect(logs.join("\n")).toContain(
      `PRODUCER_RATE_PER_SECOND.prod: ${PRODUCER_RATE_PER_SECOND.prod} -> 120`,
    );
  });

  it("accepts fractional rates and 0 (pause)", () => {
    runSetRate(["--env", "dev", "--rate", "0.0083", "--config", config, "--no-synth"], io);
    expect(readLiterals(readFileSync(config, "utf8"), config, "PRODUCER_RATE_PER_SECOND", [["dev"]])).toEqual(
      [0.0083],
    );
    const paused = runSetRate(["--env", "dev", "--rate", "0", "--config", config, "--no-synth"], io);
    expect(paused.estimate.expectedReplicas).toBe(0);
    expect(paused.body).toContain("Rate 0 pauses the producer");
  });

  it.each([
    [["--env", "dev", "--rate=-1"], /--rate: "-1" is not a number >= 0/],
    [["--env", "dev", "--rate", "abc"], /--rate: "abc" is not a number/],
    [["--env", "dev", "--rate", "Infinity"], /--rate: "Infinity" is not a number/],
    [["--env", "dev", "--rate", "1e999"], /--rate: "1e999" is not finite/],
    [["--env", "dev", "--rate", ""], /--rate: "" is not a number/],
    [["--env", "dev"], /--rate is required/],
    [["--env", "staging", "--rate", "1"], /--env: unknown environment "staging" \(known: dev, prod\)/],
    [["--rate", "1"], /--env is required/],
  ])("rejects %j", (args, message) => {
    expect(() => runSetRate([...args, "--config", config, "--no-synth"], io)).toThrow(message);
    expect(readFileSync(config, "utf8")).toBe(original);
  });

  it("parses plain decimal rates only", () => {
    expect(parseRate("20")).toBe(20);
    expect(parseRate(".5")).toBe(0.5);
    expect(parseRate("1e2")).toBe(100);
    expect(() => parseRate("0x10")).toThrow();
  });

  it("runs as `npm run set-rate` (tsx) without touching the real config", () => {
    const before = readFileSync(CONFIG_FILE, "utf8");
    const out = execFileSync(
      "npm",
      ["run", "-s", "set-rate", "--", "--env", "dev", "--rate", "7.5", "--config", config, "--no-synth"],
      { cwd: REPO_ROOT, encoding: "utf8" },
    );
    expect(out).toContain(`PRODUCER_RATE_PER_SECOND.dev: ${PRODUCER_RATE_PER_SECOND.dev} -> 7.5`);
    expect(readLiterals(readFileSync(config, "utf8"), config, "PRODUCER_RATE_PER_SECOND", [["dev"]])).toEqual(
      [7.5],
    );
    expect(readFileSync(CONFIG_FILE, "utf8")).toBe(before);
  });
});

describe("expected replicas", () => {
  const base = { workTimeMs: 100, concurrency: 4, lagThreshold: 50, maxReplicas: 20 };
  it("is ceil(rate × work / (1000 × concurrency)), at least 1 while rate > 0", () => {
    expect(estimateReplicas({ ...base, ratePerSecond: 50 }).keepUpReplicas).toBe(2); // 5 in flight / 4
    expect(estimateReplicas({ ...base, ratePerSecond: 40 }).keepUpReplicas).toBe(1); // exactly 4: no extra
    expect(estimateReplicas({ ...base, ratePerSecond: 0.01 }).expectedReplicas).toBe(1);
    expect(estimateReplicas({ ...base, ratePerSecond: 0 }).expectedReplicas).toBe(0);
    expect(estimateReplicas({ ...base, workTimeMs: 0, ratePerSecond: 1000 }).expectedReplicas).toBe(1);
  });
  it("takes KEDA's lag target when it is larger, and clamps to maxReplicas", () => {
    // concurrency above lagThreshold: in-flight lag alone drives KEDA
    const keda = estimateReplicas({ ...base, concurrency: 100, ratePerSecond: 1000 }); // 100 in flight
    expect(keda.keepUpReplicas).toBe(1);
    expect(keda.kedaReplicasAtInFlightLag).toBe(2);
    expect(keda.expectedReplicas).toBe(2);
    const saturated = estimateReplicas({ ...base, ratePerSecond: 1000 }); // needs 25 > 20
    expect(saturated.expectedReplicas).toBe(20);
    expect(saturated.saturated).toBe(true);
    expect(() => estimateReplicas({ ...base, concurrency: 0, ratePerSecond: 1 })).toThrow(
      /concurrency must be/,
    );
  });
});

describe("bump-images", () => {
  const sha = "0123456789abcdef0123456789abcdef01234567";

  it("sets both tags, and repositories with --registry, touching nothing else", () => {
    const result = runBumpImages(
      ["--tag", sha, "--registry", "ghcr.io/acme/pipeline/", "--config", config, "--no-synth"],
      io,
    );
    expect(result.changes.map((c) => c.field)).toEqual([
      "IMAGES.producer.tag",
      "IMAGES.producer.repository",
      "IMAGES.consumer.tag",
      "IMAGES.consumer.repository",
    ]);
    const edited = readFileSync(config, "utf8");
    const paths = [
      ["producer", "repository"],
      ["producer", "tag"],
      ["consumer", "repository"],
      ["consumer", "tag"],
    ];
    expect(readLiterals(edited, config, "IMAGES", paths)).toEqual([
      "ghcr.io/acme/pipeline/producer",
      sha,
      "ghcr.io/acme/pipeline/consumer",
      sha,
    ]);
    // only the IMAGES lines changed
    for (const line of changedLines(original, edited))
      expect(line.before).toMatch(/^\s+(producer|consumer): \{/);
    expect(result.body).toContain(`\`IMAGES.producer.tag\`: \`${IMAGES.producer.tag}\` → \`${sha}\``);
  });

  it("bumps one app with --app", () => {
    runBumpImages(["--tag", "v1.2.3", "--app", "consumer", "--config", config, "--no-synth"], io);
    expect(
      readLiterals(readFileSync(config, "utf8"), config, "IMAGES", [
        ["producer", "tag"],
        ["consumer", "tag"],
      ]),
    ).toEqual([IMAGES.producer.tag, "v1.2.3"]);
  });

  it.each([
    [["--tag=-bad"], /--tag: "-bad" is not a valid OCI tag/],
    [["--tag", "a:b"], /is not a valid OCI tag/],
    [["--tag", "x".repeat(129)], /is not a valid OCI tag/],
    [[], /--tag is required/],
    [["--tag", "v1", "--app", "worker"], /--app: unknown app "worker"/],
    [["--tag", "v1", "--registry", "GHCR.io/Upper"], /--registry: "GHCR.io\/Upper" is not a lowercase/],
  ])("rejects %j", (args, message) => {
    expect(() => runBumpImages([...args, "--config", config, "--no-synth"], io)).toThrow(message);
    expect(readFileSync(config, "utf8")).toBe(original);
  });
});

describe("in a scratch copy of the repository, with the real synth", () => {
  it("set-rate and bump-images change the ConfigMap, the checksum and the image references", () => {
    const scratch = mkdtempSync(join(tmpdir(), "gitops-scratch-"));
    try {
      const skip = new Set(["node_modules", ".git", "dist", "coverage", ".tmp"]);
      cpSync(REPO_ROOT, scratch, {
        recursive: true,
        filter: (source) => !skip.has(source.slice(REPO_ROOT.length + 1).split("/")[0] ?? ""),
      });
      symlinkSync(join(REPO_ROOT, "node_modules"), join(scratch, "node_modules"));
      const npm = (...args: string[]): string =>
        execFileSync("npm", ["run", "-s", ...args], { cwd: scratch, encoding: "utf8" });
      const configMap = (root: string): string =>
        readFileSync(join(root, "dist-manifests", "dev", "configmap-producer-config.yaml"), "utf8");
      const deployment = (root: string, app: string): string =>
        readFileSync(join(root, "dist-manifests", "dev", `deployment-${app}.yaml`), "utf8");
      const checksum = (text: string): string | undefined => /checksum\/config: (\S+)/.exec(text)?.[1];

      npm("set-rate", "--", "--env", "dev", "--rate", "12.5");
      expect(configMap(scratch)).toMatch(/RATE_PER_SECOND: "12.5"/);
      expect(checksum(deployment(scratch, "producer"))).not.toBe(checksum(deployment(REPO_ROOT, "producer")));

      npm("bump-images", "--", "--tag", "abc123", "--registry", "ghcr.io/acme/pipeline");
      // the dev broker's build: the image workflow tags each broker's build `<tag>-<broker>`
      const suffix = `-${BROKER_BY_ENVIRONMENT.dev}`;
      expect(deployment(scratch, "producer")).toContain(
        `image: ghcr.io/acme/pipeline/producer:abc123${suffix}`,
      );
      expect(deployment(scratch, "consumer")).toContain(
        `image: ghcr.io/acme/pipeline/consumer:abc123${suffix}`,
      );
      // prod untouched by the dev rate change
      expect(
        readFileSync(join(scratch, "dist-manifests", "prod", "configmap-producer-config.yaml"), "utf8"),
      ).toBe(
        readFileSync(join(REPO_ROOT, "dist-manifests", "prod", "configmap-producer-config.yaml"), "utf8"),
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 180_000);
});
