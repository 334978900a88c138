/**
 * `npm run set-rate` / `npm run bump-images` on temporary copies of their data files (the real ones
 * are never touched): only the targeted values change, input is validated, the PR text is right,
 * and a failing command leaves every file as it was.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { BROKER_BY_ENVIRONMENT, ENVIRONMENTS, IMAGES, PRODUCER_RATE_PER_SECOND } from "../../cdk8s/config.js";
import { runBumpImages } from "../../cdk8s/config-edits/bump-images.js";
import { DATA_FILES } from "../../cdk8s/config-edits/data-edit.js";
import { parseRate, runSetRate } from "../../cdk8s/config-edits/set-rate.js";
import { estimateReplicas } from "../../cdk8s/config-edits/expected-replicas.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { useDataCopies } from "./data-copies.js";

const files = useDataCopies("config-scripts-");
const logs: string[] = [];
const io = { log: (line: string) => logs.push(line), synth: () => false };
const failingSynth = {
  log: (line: string) => logs.push(line),
  synth: () => {
    throw new Error("npm run synth failed (exit 1)");
  },
};

beforeEach(() => {
  logs.length = 0;
});

/** Lines that differ between two texts of the same line count. */
function changedLines(before: string, after: string): { before: string; after: string }[] {
  const a = before.split("\n");
  const b = after.split("\n");
  expect(b.length).toBe(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [{ before: line, after: b[i] ?? "" }]));
}

/** set-rate arguments that edit the copied rates file and write the PR body and title. */
function setRateWithPrText(env: string, rate: string, body: string, title: string): string[] {
  return ["--env", env, "--rate", rate, "--data", files.rates, "--pr-body", body, "--pr-title", title];
}

const json = (file: string): unknown => JSON.parse(readFileSync(file, "utf8"));

describe("set-rate", () => {
  it("edits only the environment's rate and writes the PR text", () => {
    const body = join(files.dir, "body.md");
    const title = join(files.dir, "title.txt");
    const result = runSetRate([...setRateWithPrText("prod", "120", body, title), "--no-synth"], io);
    expect(result.oldRate).toBe(PRODUCER_RATE_PER_SECOND.prod);
    const edited = readFileSync(files.rates, "utf8");
    expect(changedLines(files.originalRates, edited)).toEqual([
      { before: `  "prod": ${PRODUCER_RATE_PER_SECOND.prod}`, after: '  "prod": 120' },
    ]);
    expect(json(files.rates)).toEqual({ dev: PRODUCER_RATE_PER_SECOND.dev, prod: 120 });
    const text = readFileSync(body, "utf8");
    expect(text).toContain(`**${PRODUCER_RATE_PER_SECOND.prod} → 120**`);
    expect(text).toContain("Changed: `PRODUCER_RATE_PER_SECOND` in `cdk8s/data/producer-rates.json`");
    expect(text).toContain(`Expected steady-state consumer replicas: ${result.estimate.expectedReplicas}`);
    expect(text).toContain(`lagThreshold | ${ENVIRONMENTS.prod.consumer.scaling.lagThreshold}`);
    expect(readFileSync(title, "utf8")).toBe(result.title);
    expect(logs.join("\n")).toContain(
      `PRODUCER_RATE_PER_SECOND.prod: ${PRODUCER_RATE_PER_SECOND.prod} -> 120`,
    );
  });

  it("accepts fractional rates and 0 (pause)", () => {
    runSetRate(["--env", "dev", "--rate", "0.0083", "--data", files.rates, "--no-synth"], io);
    expect(json(files.rates)).toMatchObject({ dev: 0.0083 });
    const paused = runSetRate(["--env", "dev", "--rate", "0", "--data", files.rates, "--no-synth"], io);
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
    expect(() => runSetRate([...args, "--data", files.rates, "--no-synth"], io)).toThrow(message);
    expect(readFileSync(files.rates, "utf8")).toBe(files.originalRates);
  });

  it("parses plain decimal rates only", () => {
    expect(parseRate("20")).toBe(20);
    expect(parseRate(".5")).toBe(0.5);
    expect(parseRate("1e2")).toBe(100);
    expect(() => parseRate("0x10")).toThrow();
  });

  it("runs as `npm run set-rate` (tsx) without touching the real data file", () => {
    const before = readFileSync(DATA_FILES.producerRates, "utf8");
    const out = execFileSync(
      "npm",
      ["run", "-s", "set-rate", "--", "--env", "dev", "--rate", "7.5", "--data", files.rates, "--no-synth"],
      { cwd: REPO_ROOT, encoding: "utf8" },
    );
    expect(out).toContain(`PRODUCER_RATE_PER_SECOND.dev: ${PRODUCER_RATE_PER_SECOND.dev} -> 7.5`);
    expect(json(files.rates)).toMatchObject({ dev: 7.5 });
    expect(readFileSync(DATA_FILES.producerRates, "utf8")).toBe(before);
  });

  it("a failing synth leaves the data file as it was and writes no PR text", () => {
    const body = join(files.dir, "body.md");
    const title = join(files.dir, "title.txt");
    const args = setRateWithPrText("dev", "7.5", body, title);
    expect(() => runSetRate(args, failingSynth)).toThrow(/npm run synth failed/);
    expect(readFileSync(files.rates, "utf8")).toBe(files.originalRates);
    expect(existsSync(body)).toBe(false);
    expect(existsSync(title)).toBe(false);
    // Negative control: the same command with a synth that succeeds changes all three.
    runSetRate(args, io);
    expect(readFileSync(files.rates, "utf8")).not.toBe(files.originalRates);
    expect(existsSync(body) && existsSync(title)).toBe(true);
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
      ["--tag", sha, "--registry", "ghcr.io/acme/pipeline/", "--data", files.images, "--no-synth"],
      io,
    );
    expect(result.changes.map((c) => c.field)).toEqual([
      "IMAGES.producer.tag",
      "IMAGES.producer.repository",
      "IMAGES.consumer.tag",
      "IMAGES.consumer.repository",
    ]);
    expect(json(files.images)).toEqual({
      producer: { repository: "ghcr.io/acme/pipeline/producer", tag: sha },
      consumer: { repository: "ghcr.io/acme/pipeline/consumer", tag: sha },
    });
    // only the repository and tag lines changed
    for (const line of changedLines(files.originalImages, readFileSync(files.images, "utf8")))
      expect(line.before).toMatch(/^\s+"(repository|tag)": "/);
    expect(result.body).toContain(`\`IMAGES.producer.tag\`: \`${IMAGES.producer.tag}\` → \`${sha}\``);
  });

  it("bumps one app with --app", () => {
    runBumpImages(["--tag", "v1.2.3", "--app", "consumer", "--data", files.images, "--no-synth"], io);
    expect(json(files.images)).toEqual({ ...IMAGES, consumer: { ...IMAGES.consumer, tag: "v1.2.3" } });
  });

  it.each([
    [["--tag=-bad"], /--tag: "-bad" is not a valid OCI tag/],
    [["--tag", "a:b"], /is not a valid OCI tag/],
    [["--tag", "x".repeat(129)], /is not a valid OCI tag/],
    [[], /--tag is required/],
    [["--tag", "v1", "--app", "worker"], /--app: unknown app "worker"/],
    [["--tag", "v1", "--registry", "GHCR.io/Upper"], /--registry: "GHCR.io\/Upper" is not a lowercase/],
  ])("rejects %j", (args, message) => {
    expect(() => runBumpImages([...args, "--data", files.images, "--no-synth"], io)).toThrow(message);
    expect(readFileSync(files.images, "utf8")).toBe(files.originalImages);
  });

  it("a failing synth leaves the data file as it was and writes no PR body", () => {
    const body = join(files.dir, "body.md");
    const args = ["--tag", sha, "--data", files.images, "--pr-body", body];
    expect(() => runBumpImages(args, failingSynth)).toThrow(/npm run synth failed/);
    expect(readFileSync(files.images, "utf8")).toBe(files.originalImages);
    expect(existsSync(body)).toBe(false);
    // Negative control: the same command with a synth that succeeds changes both.
    runBumpImages(args, io);
    expect(readFileSync(files.images, "utf8")).not.toBe(files.originalImages);
    expect(existsSync(body)).toBe(true);
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

      // A rate the synth refuses (it would render with an exponent): the command fails and the
      // data file and the manifests stay as they were.
      const ratesFile = join(scratch, "cdk8s", "data", "producer-rates.json");
      const ratesBefore = readFileSync(ratesFile, "utf8");
      const refused = spawnSync("npm", ["run", "-s", "set-rate", "--", "--env", "dev", "--rate", "1e-7"], {
        cwd: scratch,
        encoding: "utf8",
      });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/would render with an exponent/);
      expect(readFileSync(ratesFile, "utf8")).toBe(ratesBefore);
      expect(configMap(scratch)).toBe(configMap(REPO_ROOT));

      npm("set-rate", "--", "--env", "dev", "--rate", "12.5");
      // Negative control: the accepted rate did change the data file.
      expect(readFileSync(ratesFile, "utf8")).not.toBe(ratesBefore);
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
