import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { Testing } from "cdk8s";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AlertRules } from "../../cdk8s/observability/alert-rules.js";
import {
  DashboardsConfigMap,
  DEFAULT_DASHBOARDS_DIR,
} from "../../cdk8s/observability/dashboards-configmap.js";
import { eventPipelineRuleGroups } from "../../cdk8s/observability/rule-groups.js";

const SCHEMAS = join(import.meta.dirname, "schemas");
const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** CRD schemas use Go regular expressions: read their `(?i)` as the `i` flag. */
const goRegExp = Object.assign(
  (pattern: string, flags: string): RegExp =>
    pattern.includes("(?i)")
      ? new RegExp(pattern.replaceAll("(?i)", ""), `${flags}i`)
      : new RegExp(pattern, flags),
  { code: "goRegExp" },
);

function compile(schema: object): ReturnType<Ajv.default["compile"]> {
  const ajv = new Ajv.default({ strict: false, allErrors: true, code: { regExp: goRegExp } });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

describe("DashboardsConfigMap", () => {
  it("carries every dashboard file verbatim, labelled for the Grafana sidecar", () => {
    const chart = Testing.chart();
    const construct = new DashboardsConfigMap(chart, "dashboards", {
      namespace: "monitoring",
      folder: "Event pipeline",
    });
    const [configMap, ...rest] = Testing.synth(chart);
    expect(rest).toEqual([]);
    expect(configMap?.metadata).toEqual({
      name: "event-pipeline-dashboards",
      namespace: "monitoring",
      labels: { grafana_dashboard: "1", "app.kubernetes.io/part-of": "event-pipeline" },
      annotations: { grafana_folder: "Event pipeline" },
    });
    expect(construct.dashboardFiles).toEqual(["event-pipeline-logs.json", "event-pipeline-overview.json"]);
    for (const file of construct.dashboardFiles) {
      expect(configMap?.data[file]).toBe(readFileSync(join(DEFAULT_DASHBOARDS_DIR, file), "utf8"));
    }
    const validate = compile(JSON.parse(readFileSync(join(SCHEMAS, "configmap-v1.json"), "utf8")) as object);
    expect(validate(configMap), JSON.stringify(validate.errors)).toBe(true);
  });

  it("fails with the folder named when it has no dashboards or a broken one", () => {
    const dir = mkdtempSync(join(tmpdir(), "dashboards-"));
    tempDirs.push(dir);
    expect(
      () => new DashboardsConfigMap(Testing.chart(), "d", { namespace: "monitoring", dashboardsDir: dir }),
    ).toThrow(/dashboardsDir .* has no \*\.json dashboards/);
    writeFileSync(join(dir, "bad.json"), "{");
    expect(
      () => new DashboardsConfigMap(Testing.chart(), "d", { namespace: "monitoring", dashboardsDir: dir }),
    ).toThrow(/bad\.json.*not valid JSON/);
  });
});

describe("AlertRules", () => {
  it("synthesizes a PrometheusRule with the plain rule groups, valid against the CRD", () => {
    const chart = Testing.chart();
    const rules = new AlertRules(chart, "alerts", { namespace: "event-pipeline-prod" });
    const [rule, ...rest] = Testing.synth(chart);
    expect(rest).toEqual([]);
    expect(rule?.kind).toBe("PrometheusRule");
    expect(rule?.metadata).toEqual({
      name: "event-pipeline-alerts",
      namespace: "event-pipeline-prod",
      labels: { "app.kubernetes.io/part-of": "event-pipeline", release: "kube-prometheus-stack" },
    });
    const expected = eventPipelineRuleGroups({ namespace: "event-pipeline-prod" });
    expect(rule?.spec.groups).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(JSON.stringify(rule)).toContain('namespace=\\"event-pipeline-prod\\"');
    // The same groups, as a Prometheus rule file.
    expect(parse(rules.toPrometheusRuleFile())).toEqual(JSON.parse(JSON.stringify({ groups: expected })));

    const crd = parse(readFileSync(join(SCHEMAS, "monitoring.coreos.com_prometheusrules.yaml"), "utf8")) as {
      spec: { versions: { name: string; schema: { openAPIV3Schema: object } }[] };
    };
    const v1 = crd.spec.versions.find((v) => v.name === "v1");
    const validate = compile(v1?.schema.openAPIV3Schema ?? {});
    expect(validate(rule), JSON.stringify(validate.errors)).toBe(true);
    // ...and the CRD check would catch a group without a name.
    expect(validate({ ...rule, spec: { groups: [{ rules: [] }] } })).toBe(false);
  });

  it("takes its name, labels and targets from props", () => {
    const chart = Testing.chart();
    new AlertRules(chart, "alerts", {
      namespace: "pipeline",
      name: "alerts",
      labels: { release: "monitoring" },
      targets: { consumerDeployment: "event-consumer", scaledObject: "event-consumer-scaler" },
    });
    const [rule] = Testing.synth(chart);
    expect(rule?.metadata.name).toBe("alerts");
    expect(rule?.metadata.labels.release).toBe("monitoring");
    const exprs = JSON.stringify(rule?.spec.groups);
    expect(exprs).toContain('deployment=\\"event-consumer\\"');
    expect(exprs).toContain('horizontalpodautoscaler=\\"keda-hpa-event-consumer-scaler\\"');
    expect(exprs).toContain('scaledObject=\\"event-consumer-scaler\\"');
  });
});
