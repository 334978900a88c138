/**
 * `npm run chart-facts -- <chart directory or .tgz> [--previous <facts.json>] [--repo <owner/name>
 * --commit <sha> --tag <tag>]`: write schemas/charts/<chart>@<version>.json and vendor the chart's
 * CRDs into schemas/charts/crds/<chart>@<version>/ (tooling/chart-facts.ts). The facts that need
 * a rendered chart are carried from the previous version's file (by default the version pinned in
 * HELM_CHARTS) and printed for review. Everything is written into a temporary folder first and
 * moved into place only when all of it succeeded.
 */
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chartKey, SCHEMAS_DIR } from "../cdk8s/argocd/chart-facts.js";
import { HELM_CHARTS } from "../cdk8s/config.js";
import { deriveChartFacts, mergeWithPrevious } from "../tooling/chart-facts.js";
import { CliExit, parseCli, runCli } from "../tooling/cli.js";

runCli("chart-facts", () => {
  const { values, positionals } = parseCli(
    {
      usage:
        "npm run chart-facts -- <chart directory or .tgz> [--previous <facts.json>] [--repo <owner/name> --commit <sha> --tag <tag>]",
      description:
        "Derive a Helm chart's facts file and vendor its CRDs into schemas/charts/ (carrying rendered-chart facts from the previous version).",
      options: {
        previous: {
          type: "string",
          valueName: "facts.json",
          help: "facts to carry Services, Secrets and names from (default: the pinned version's)",
        },
        repo: { type: "string", valueName: "owner/name", help: "upstream repository, for the source block" },
        commit: { type: "string", valueName: "sha", help: "upstream commit the chart was read at" },
        tag: { type: "string", valueName: "tag", help: "upstream tag of that commit" },
        "schemas-dir": {
          type: "string",
          valueName: "dir",
          help: "schemas folder to write into (default: schemas/)",
        },
      },
      allowPositionals: true,
    },
    process.argv.slice(2),
  );
  if (positionals.length !== 1) throw new CliExit(2, "name one chart directory or .tgz");
  const input = resolve(positionals[0]!);
  if (!existsSync(input)) throw new CliExit(2, `${input} does not exist`);
  const schemasDir = resolve(values["schemas-dir"] ?? SCHEMAS_DIR);
  const scratch = mkdtempSync(join(tmpdir(), "chart-facts-"));
  try {
    let chartDir = input;
    if (input.endsWith(".tgz") || input.endsWith(".tar.gz")) {
      const unpack = spawnSync("tar", ["-xzf", input, "-C", scratch], { encoding: "utf8" });
      if (unpack.status !== 0) throw new Error(`tar -xzf ${input} failed: ${unpack.stderr}`);
      const [top] = readdirSync(scratch);
      if (top === undefined) throw new Error(`${input} is empty`);
      chartDir = join(scratch, top);
    }
    const { facts: derived, vendored } = deriveChartFacts(chartDir);
    const pinned = Object.values(HELM_CHARTS).find((c) => c.chart === derived.chart);
    const previousFile =
      values.previous ??
      (pinned === undefined ? undefined : join(schemasDir, "charts", `${chartKey(pinned)}.json`));
    const previous =
      previousFile !== undefined && existsSync(previousFile)
        ? (JSON.parse(readFileSync(previousFile, "utf8")) as Record<string, unknown>)
        : undefined;
    const source =
      values.repo === undefined
        ? undefined
        : { repo: values.repo, commit: values.commit ?? null, tag: values.tag ?? null };
    const { facts, carried } = mergeWithPrevious(derived, previous, source);
    const key = `${String(facts.chart)}@${String(facts.version)}`;
    const staged = join(scratch, "out");
    mkdirSync(join(staged, "crds"), { recursive: true });
    writeFileSync(join(staged, `${key}.json`), `${JSON.stringify(facts, null, 2)}\n`);
    for (const crd of vendored) writeFileSync(join(staged, "crds", crd.fileName), crd.text);
    const factsFile = join(schemasDir, "charts", `${key}.json`);
    const crdDir = join(schemasDir, "charts", "crds", key);
    mkdirSync(join(schemasDir, "charts", "crds"), { recursive: true });
    rmSync(crdDir, { recursive: true, force: true });
    if (vendored.length > 0) renameSync(join(staged, "crds"), crdDir);
    renameSync(join(staged, `${key}.json`), factsFile);
    console.log(`wrote ${factsFile} (${(facts.crds as unknown[]).length} CRDs)`);
    if (vendored.length > 0) console.log(`vendored ${vendored.length} CRD files into ${crdDir}`);
    if (carried.length > 0)
      console.log(
        `carried from ${String(facts.carriedFrom)}, review against the chart's templates: ${carried.join(", ")}`,
      );
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
