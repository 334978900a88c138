/**
 * Promtail (end of life 2026-03-02) is replaced by Grafana Alloy; the logs dashboard keeps working
 * only if Alloy gives the pipeline's log streams the labels the dashboard selects on. The Alloy
 * config is checked by evaluating its relabel rules (Prometheus semantics: anchored regex, `;`
 * separator, `$1` replacement) on the pipeline pods' metadata, and against the dashboard's queries.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOKI_STREAM_LABELS, PROMTAIL_COMPATIBLE_RULES } from "../../cdk8s/argocd/alloy-config.js";
import { readChartFacts } from "../../cdk8s/argocd/chart-facts.js";
import { ENVIRONMENT_NAMES, HELM_CHARTS } from "../../cdk8s/config.js";
import { synthesize } from "../../cdk8s/synth.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { docsUnder, parseFiles } from "./support/manifests.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const files = parseFiles(synthesize());

/** Apply Promtail-style replace rules to a target's labels. */
function relabel(
  meta: Record<string, string>,
  rules: typeof PROMTAIL_COMPATIBLE_RULES,
): Record<string, string> {
  const labels = { ...meta };
  for (const r of rules) {
    const value = r.sourceLabels.map((l) => labels[l] ?? "").join(r.separator ?? ";");
    const m = new RegExp(`^(?:${r.regex ?? "(.*)"})$`).exec(value);
    if (m) labels[r.targetLabel] = m[1] ?? "";
  }
  return Object.fromEntries(Object.entries(labels).filter(([k, v]) => !k.startsWith("__") && v !== ""));
}

/** Stream labels a LogQL query selects on (inside `{…}`) or groups by. */
function queryLabels(expr: string): string[] {
  const selectors = [...expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) =>
    [...m[1]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((x) => x[1]!),
  );
  const grouping = [...expr.matchAll(/by \(([^)]*)\)/g)].flatMap((m) =>
    m[1]!.split(",").map((s) => s.trim()),
  );
  return [...new Set([...selectors, ...grouping])];
}

const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, "dashboards", "event-pipeline-logs.json"), "utf8"));
const lokiExprs: string[] = JSON.stringify(dashboard)
  .match(/"expr":"(?:[^"\\]|\\.)*"/g)!
  .map((e) => JSON.parse(`{${e}}`).expr as string);

describe.each(ENVIRONMENT_NAMES)("logs of %s", (env) => {
  const apps = docsUnder(files, `argocd/${env}/apps/`);

  it("ship through Alloy (no Promtail Application), to the Loki chart's gateway Service", () => {
    expect(apps.map((a) => a.spec.source.chart).filter(Boolean)).not.toContain("promtail");
    const alloy = apps.find((a) => a.spec.source.chart === "alloy")!;
    expect(alloy.spec.source.targetRevision).toBe(HELM_CHARTS.alloy.version);
    const config: string = alloy.spec.source.helm.valuesObject.alloy.configMap.content;
    const url = /url = "([^"]+)"/.exec(config)![1]!;
    const loki = apps.find((a) => a.spec.source.chart === "loki")!;
    const gateway = (readChartFacts(HELM_CHARTS.loki) as any).services.find(
      (s: any) => s.name === "loki-gateway",
    );
    expect(new URL(url).hostname).toBe(
      `${gateway.name}.${loki.spec.destination.namespace}.svc.cluster.local`,
    );
    expect(new URL(url).pathname).toBe("/loki/api/v1/push");
    for (const r of PROMTAIL_COMPATIBLE_RULES) expect(config).toContain(`target_label  = "${r.targetLabel}"`);
    expect(config).toMatch(/loki\.source\.kubernetes "pods"/);
  });

  it("give each pipeline pod's stream the labels every dashboard query selects on, with the values it expects", () => {
    const pods = docsUnder(files, `dist-manifests/${env}/`).filter((d) => d.kind === "Deployment");
    expect(lokiExprs.length).toBeGreaterThanOrEqual(4);
    for (const d of pods) {
      const meta: Record<string, string> = {
        __meta_kubernetes_namespace: d.metadata.namespace!,
        __meta_kubernetes_pod_name: `${d.metadata.name}-7d9f8b6c5d-x2x4q`,
        __meta_kubernetes_pod_controller_name: `${d.metadata.name}-7d9f8b6c5d`,
        __meta_kubernetes_pod_container_name: d.spec.template.spec.containers[0].name,
        __meta_kubernetes_pod_node_name: "node-1",
        ...Object.fromEntries(
          Object.entries(d.spec.template.metadata.labels as Record<string, string>).map(([k, v]) => [
            `__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, "_")}`,
            v,
          ]),
        ),
      };
      const labels = relabel(meta, PROMTAIL_COMPATIBLE_RULES);
      expect(labels).toMatchObject({
        namespace: d.metadata.namespace,
        app: d.metadata.name,
        job: `${d.metadata.namespace}/${d.metadata.name}`,
      });
      for (const expr of lokiExprs)
        for (const l of queryLabels(expr)) expect(Object.keys(labels), `${l} in ${expr}`).toContain(l);
    }
  });

  it("a query on a label Alloy does not set, or rules without the app rule, fail the check (negative controls)", () => {
    expect(queryLabels('{namespace="x", service_name="producer"}')).toContain("service_name");
    expect(LOKI_STREAM_LABELS).not.toContain("service_name");
    const withoutApp = PROMTAIL_COMPATIBLE_RULES.filter((r) => r.targetLabel !== "app");
    expect(
      relabel(
        { __meta_kubernetes_pod_label_app_kubernetes_io_name: "producer", __meta_kubernetes_namespace: "n" },
        withoutApp,
      ),
    ).not.toHaveProperty("app");
  });
});
