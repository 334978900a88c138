import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Testing } from "cdk8s";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AlertRules } from "../../cdk8s/observability/alert-rules.js";
import {
  DashboardsConfigMap,
  DEFAULT_DASHBOARDS_DIR,
} from "../../cdk8s/observability/dashboards-configmap.js";
import { eventPipelineRuleGroups } from "../../cdk8s/observability/rule-groups.js";
import { validatorFor } from "../support/schemas.js";

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

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
    const validate = validatorFor("v1", "ConfigMap");
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

    const validate = validatorFor("monitoring.coreos.com/v1", "PrometheusRule");
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
