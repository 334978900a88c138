/**
 * `npm run chart-facts` on a chart this test builds: the facts file and the vendored CRDs come out
 * of the chart's own files (values keys, empty maps, template references, subchart keys, CRDs from
 * crds/ and from templates, their sizes), the rendered-chart facts are carried from the previous
 * version's file, a packaged .tgz gives the same result as its directory, and a chart that cannot
 * be read leaves the schemas folder as it was.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../../tooling/repo-root.js";

const TSX = join(REPO_ROOT, "node_modules", ".bin", "tsx");
const scratch = mkdtempSync(join(tmpdir(), "chart-facts-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const crd = (plural: string, kind: string, templated: boolean): string =>
  [
    templated ? "{{- if .Values.crds.install }}" : "",
    "apiVersion: apiextensions.k8s.io/v1",
    "kind: CustomResourceDefinition",
    "metadata:",
    "  labels:",
    templated ? "    app.kubernetes.io/name: {{ .Values.operator.name }}" : "    app: widget",
    `  name: ${plural}.example.com`,
    "spec:",
    "  group: example.com",
    `  names: { kind: ${kind}, plural: ${plural} }`,
    "  scope: Namespaced",
    "  versions:",
    "    - name: v1",
    "      served: true",
    "      storage: true",
    "      schema: { openAPIV3Schema: { type: object, properties: { spec: { type: object } } } }",
    templated ? "{{- end -}}" : "",
  ].join("\n");

/** A chart with values, templates, a templated CRD, a plain CRD and a subchart. */
function buildChart(dir: string, version: string): void {
  write(
    join(dir, "Chart.yaml"),
    `apiVersion: v2\nname: widget\nversion: ${version}\nappVersion: "9.8.7"\nkubeVersion: ">=1.33.0-0"\n` +
      `dependencies:\n  - name: helper\n    version: 1.x\n    condition: helper.enabled\n`,
  );
  write(
    join(dir, "values.yaml"),
    "operator:\n  name: widget-operator\n  annotations: {}\n  args: [a, b]\ncrds:\n  install: true\n" +
      "ingress:\n  hosts.example: x\n# comment:\n#   notAKey: 1\n",
  );
  write(
    join(dir, "templates", "deployment.yaml"),
    "name: {{ .Values.operator.name }}\nonlyInTemplate: {{ .Values.extra.flag }}\n",
  );
  write(join(dir, "templates", "crds", "crd-gadgets.yaml"), crd("gadgets", "Gadget", true));
  write(join(dir, "crds", "crd-widgets.yaml"), crd("widgets", "Widget", false));
  write(join(dir, "charts", "helper", "Chart.yaml"), "apiVersion: v2\nname: helper\nversion: 1.2.3\n");
  write(join(dir, "charts", "helper", "values.yaml"), "replicas: 1\nimage:\n  tag: x\n");
}

function run(args: readonly string[]) {
  const result = spawnSync(TSX, [join(REPO_ROOT, "scripts", "chart-facts.ts"), ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

function schemasWithPrevious(name: string): string {
  const schemas = join(scratch, name);
  write(
    join(schemas, "charts", "widget@1.0.0.json"),
    JSON.stringify({
      chart: "widget",
      version: "1.0.0",
      services: [{ name: "widget-operator" }],
      generatedSecrets: [],
    }),
  );
  return schemas;
}

describe("npm run chart-facts", () => {
  const chartDir = join(scratch, "src", "widget");
  buildChart(chartDir, "2.0.0");

  it("derives the facts and vendors every CRD from a chart directory", () => {
    const schemas = schemasWithPrevious("dir");
    const { code, out } = run([
      chartDir,
      "--schemas-dir",
      schemas,
      "--previous",
      join(schemas, "charts", "widget@1.0.0.json"),
      "--repo",
      "example/charts",
      "--commit",
      "abc",
      "--tag",
      "widget-2.0.0",
    ]);
    expect(out).toContain("carried from widget@1.0.0");
    expect(code).toBe(0);
    const facts = JSON.parse(readFileSync(join(schemas, "charts", "widget@2.0.0.json"), "utf8"));
    expect(facts).toMatchObject({
      chart: "widget",
      version: "2.0.0",
      appVersion: "9.8.7",
      kubeVersion: ">=1.33.0-0",
      source: { repo: "example/charts", commit: "abc", tag: "widget-2.0.0" },
      services: [{ name: "widget-operator" }],
      generatedSecrets: [],
      carriedFrom: "widget@1.0.0",
    });
    expect(facts.valuesKeys).toEqual([
      "crds",
      "crds.install",
      "ingress",
      "ingress.hosts\\.example",
      "operator",
      "operator.annotations",
      "operator.args[]",
      "operator.name",
    ]);
    expect(facts.valuesFreeformMaps).toEqual(["operator.annotations"]);
    expect(facts.templateValuesRefs).toEqual(["crds.install", "extra.flag", "operator.name"]);
    expect(facts.dependencyValuesKeys).toEqual({
      helper: { version: "1.2.3", keys: ["image", "image.tag", "replicas"] },
    });
    expect(facts.crds.map((c: { name: string; templated: boolean }) => [c.name, c.templated])).toEqual([
      ["gadgets.example.com", true],
      ["widgets.example.com", false],
    ]);
    const gadget = facts.crds[0];
    expect(gadget.compactJsonBytes).toBeGreaterThan(200);
    expect(gadget.kubectlLastAppliedEstimateBytes).toBe(gadget.compactJsonBytes + 1);
    expect(gadget.overClientSideApplyLimit).toBe(false);
    const vendored = join(schemas, "charts", "crds", "widget@2.0.0");
    expect(readdirSync(vendored).sort()).toEqual(["crd-gadgets.yaml", "crd-widgets.yaml"]);
    const rendered = parse(readFileSync(join(vendored, "crd-gadgets.yaml"), "utf8"));
    expect(rendered.spec.names.kind).toBe("Gadget");
    expect(readFileSync(join(vendored, "crd-gadgets.yaml"), "utf8")).not.toContain("{{");
  });

  it("a packaged .tgz gives the same facts as its directory", () => {
    const tgz = join(scratch, "widget-2.0.0.tgz");
    expect(spawnSync("tar", ["-czf", tgz, "-C", join(scratch, "src"), "widget"]).status).toBe(0);
    const fromDir = schemasWithPrevious("a");
    const fromTgz = schemasWithPrevious("b");
    const previous = (s: string) => join(s, "charts", "widget@1.0.0.json");
    expect(run([chartDir, "--schemas-dir", fromDir, "--previous", previous(fromDir)]).code).toBe(0);
    expect(run([tgz, "--schemas-dir", fromTgz, "--previous", previous(fromTgz)]).code).toBe(0);
    const read = (s: string) => readFileSync(join(s, "charts", "widget@2.0.0.json"), "utf8");
    expect(read(fromTgz)).toBe(read(fromDir));
  });

  it("a chart it cannot read fails and writes nothing (negative control)", () => {
    const broken = join(scratch, "broken", "widget");
    buildChart(broken, "3.0.0");
    rmSync(join(broken, "values.yaml"));
    const schemas = schemasWithPrevious("broken");
    const before = readdirSync(join(schemas, "charts")).sort();
    const { code, out } = run([broken, "--schemas-dir", schemas]);
    expect(code).toBe(1);
    expect(out).toMatch(/values\.yaml/);
    expect(readdirSync(join(schemas, "charts")).sort()).toEqual(before);
  });
});
