/**
 * renovate.json: valid against Renovate's own schema (test/support/renovate-schema.ts), the stock
 * managers plus regex managers that find every pin of cdk8s/config.ts and of the images data file
 * (cdk8s/data/images.json), and the generated folders out of Renovate's reach.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { beforeAll, describe, expect, it } from "vitest";
import { HELM_CHARTS, IMAGES } from "../../cdk8s/config.js";
import { DATA_FILES, repositoryPath } from "../../cdk8s/config-edits/data-edit.js";
import { OUTPUT_ROOTS } from "../../cdk8s/synth.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { renovateSchema } from "../support/renovate-schema.js";

interface CustomManager {
  customType: string;
  managerFilePatterns: string[];
  matchStrings: string[];
  datasourceTemplate: string;
}
interface RenovateConfig {
  enabledManagers: string[];
  ignorePaths: string[];
  customManagers: CustomManager[];
}

const config = JSON.parse(readFileSync(join(REPO_ROOT, "renovate.json"), "utf8")) as RenovateConfig;
const configTs = readFileSync(join(REPO_ROOT, "cdk8s", "config.ts"), "utf8");
const imagesJson = readFileSync(DATA_FILES.images, "utf8");
/** The file each datasource's pins live in, as Renovate matches it (repository-relative). */
const PIN_FILES: Record<string, string> = {
  helm: "cdk8s/config.ts",
  docker: repositoryPath(DATA_FILES.images),
};

/** What a regex manager extracts from a file: its named groups per match (Renovate matches globally). */
function extract(manager: CustomManager, text: string): Record<string, string>[] {
  return manager.matchStrings.flatMap((source) =>
    [...text.matchAll(new RegExp(source, "g"))].map((m) => ({ ...m.groups })),
  );
}

const managerFor = (datasource: string): CustomManager => {
  const manager = config.customManagers.find((m) => m.datasourceTemplate === datasource);
  if (manager === undefined) throw new Error(`no custom manager for datasource ${datasource}`);
  return manager;
};

/** managerFilePatterns entries `/regex/` as Renovate reads them. */
const filePatterns = (manager: CustomManager): RegExp[] =>
  manager.managerFilePatterns.map((p) => new RegExp(p.replace(/^\/(.*)\/$/, "$1")));

describe("renovate.json", () => {
  let validate: (data: unknown) => string[];

  beforeAll(() => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    (addFormatsModule as unknown as (a: Ajv) => void)(ajv);
    const compiled = ajv.compile(renovateSchema());
    validate = (data) =>
      compiled(data) ? [] : (compiled.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
  }, 120_000);

  it("validates against Renovate's schema", () => {
    expect(validate(config)).toEqual([]);
  });

  it("negative control: the schema rejects a malformed configuration", () => {
    expect(validate({ ...config, enabledManagers: "npm" })).not.toEqual([]);
    expect(
      validate({ ...config, customManagers: [{ ...config.customManagers[0], matchStrings: "x" }] }),
    ).not.toEqual([]);
  });

  it("runs the stock npm, github-actions and dockerfile managers and the regex managers", () => {
    expect([...config.enabledManagers].sort()).toEqual([
      "custom.regex",
      "dockerfile",
      "github-actions",
      "npm",
    ]);
  });

  it("never touches the generated folders", () => {
    for (const folder of OUTPUT_ROOTS) expect(config.ignorePaths).toContain(`${folder}/**`);
    expect(config.ignorePaths).toContain("cdk8s/imports/**");
    for (const manager of config.customManagers)
      for (const pattern of filePatterns(manager)) {
        const file = PIN_FILES[manager.datasourceTemplate] ?? "";
        expect(pattern.test(file), file).toBe(true);
        for (const folder of OUTPUT_ROOTS) expect(pattern.test(`${folder}/${file}`)).toBe(false);
      }
  });

  it("finds every HELM_CHARTS pin with its repository, chart and version", () => {
    const found = extract(managerFor("helm"), configTs);
    expect(found).toEqual(
      Object.values(HELM_CHARTS).map((c) => ({
        registryUrl: c.repoURL,
        depName: c.chart,
        currentValue: c.version,
      })),
    );
  });

  it("finds every IMAGES pin with its repository and tag", () => {
    const found = extract(managerFor("docker"), imagesJson);
    expect(found).toEqual(Object.values(IMAGES).map((i) => ({ depName: i.repository, currentValue: i.tag })));
  });

  it("negative control: a pin written in another field order is not found", () => {
    const reordered =
      'keda: { chart: "keda", repoURL: "https://kedacore.github.io/charts", version: "1.0.0" },';
    expect(extract(managerFor("helm"), reordered)).toEqual([]);
  });
});
