import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { BROKER_BY_ENVIRONMENT } from "../../cdk8s/config.js";
import { BROKER_EXPORTER_SERIES } from "../../dashboards/src/broker-exporter.js";
import { generateDashboards } from "../../dashboards/src/index.js";
import { resolveDashboardOptions } from "../../dashboards/src/options.js";
import { dashboardQueries } from "./collect-queries.js";
import { SCHEMAS_DIR } from "../support/schemas.js";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DASHBOARDS_DIR = join(REPO, "dashboards");
/** grafana-foundation-sdk's dashboard schema, vendored in schemas/ (see schemas/SOURCES.md). */
const SCHEMA = join(SCHEMAS_DIR, "grafana", "dashboard.jsonschema.json");

function compileSchema(): ValidateFunction {
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(JSON.parse(readFileSync(SCHEMA, "utf8")) as object);
}

/** Every `datasource` object anywhere in a JSON value. */
function datasourceRefs(value: unknown, path = "$"): { path: string; ref: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => datasourceRefs(item, `${path}[${index}]`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => [
    ...(key === "datasource" ? [{ path: `${path}.${key}`, ref: child }] : []),
    ...datasourceRefs(child, `${path}.${key}`),
  ]);
}

describe("generated Grafana dashboards", () => {
  const generated = generateDashboards();

  it("are committed and fresh: dashboards/*.json equal the generator's output byte for byte", () => {
    const committed = readdirSync(DASHBOARDS_DIR)
      .filter((name) => name.endsWith(".json"))
      .sort();
    expect(committed, "run `npm run dashboards`").toEqual(generated.map((d) => d.fileName).sort());
    for (const { fileName, json } of generated) {
      expect(
        readFileSync(join(DASHBOARDS_DIR, fileName), "utf8"),
        `${fileName} is stale: run \`npm run dashboards\``,
      ).toBe(json);
    }
  });

  it("are deterministic", () => {
    expect(generateDashboards().map((d) => d.json)).toEqual(generated.map((d) => d.json));
  });

  it("validate against the Grafana dashboard JSON schema", () => {
    const validate = compileSchema();
    for (const { fileName, json } of generated) {
      const ok = validate(JSON.parse(json));
      expect(validate.errors ?? [], fileName).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it("the schema check catches a broken dashboard", () => {
    const validate = compileSchema();
    const broken = JSON.parse(generated[0]?.json ?? "{}") as Record<string, unknown>;
    delete broken.schemaVersion;
    expect(validate(broken)).toBe(false);
  });

  it("take datasources from template variables, never from hard-coded uids", () => {
    for (const { fileName, dashboard, json } of generated) {
      const variables = dashboard.templating.list ?? [];
      const datasourceVariables = Object.fromEntries(
        variables.filter((v) => v.type === "datasource").map((v) => [v.name, v.query]),
      );
      expect(datasourceVariables.datasource, fileName).toBe("prometheus");
      const refs = datasourceRefs(JSON.parse(json));
      expect(refs.length, fileName).toBeGreaterThan(0);
      for (const { path, ref } of refs) {
        const { type, uid } = ref as { type?: string; uid?: string };
        const variable = /^\$\{(\w+)\}$/.exec(uid ?? "")?.[1];
        expect(variable, `${fileName} ${path} uid ${uid}`).toBeDefined();
        expect(
          datasourceVariables[variable ?? ""],
          `${fileName} ${path}: $${variable} must be a ${type} datasource variable`,
        ).toBe(type);
      }
    }
  });

  it("have unique uids, panel ids and query refIds", () => {
    expect(new Set(generated.map((d) => d.dashboard.uid)).size).toBe(generated.length);
    for (const { fileName, dashboard } of generated) {
      const panels = dashboard.panels ?? [];
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size, fileName).toBe(ids.length);
      expect(
        ids.every((id) => typeof id === "number" && id > 0),
        fileName,
      ).toBe(true);
      for (const panel of panels) {
        if (!("targets" in panel) || panel.targets === undefined) continue;
        const refIds = panel.targets.map((t) => (t as { refId?: string }).refId);
        expect(new Set(refIds).size, `${fileName} ${panel.title}`).toBe(refIds.length);
      }
    }
  });

  it("show what the issue asks for", () => {
    const titles = generated.flatMap((d) => (d.dashboard.panels ?? []).map((p) => p.title));
    for (const title of [
      "Production rate vs target",
      "Queue depth (apps)",
      "Queue depth (broker exporter)",
      "Consumer replicas",
      "KEDA scaler metric",
      "Throughput by outcome",
      "End-to-end latency",
      "Processing time",
      "Dead-lettered",
      "Publish failures",
      "Producer logs",
      "Consumer logs",
    ]) {
      expect(titles).toContain(title);
    }
    const exprs = dashboardQueries().map((q) => q.expr);
    expect(
      exprs.some(
        (e) =>
          e.includes("histogram_quantile(0.99") && e.includes("consumer_end_to_end_latency_seconds_bucket"),
      ),
    ).toBe(true);
  });

  it("read, for each environment, the series its broker's exporter exports, and no other exporter's", () => {
    const exporterQueries = dashboardQueries().filter((q) =>
      q.where.includes('"Queue depth (broker exporter)"'),
    );
    const inUse = new Set(Object.values(BROKER_BY_ENVIRONMENT));
    for (const [broker, series] of Object.entries(BROKER_EXPORTER_SERIES)) {
      const names = [series.pending, series.ackPending, series.redelivered];
      for (const name of names) {
        const read = exporterQueries.some((q) => q.expr.includes(`${name}{${series.consumerLabel}=`));
        expect(read, `${broker}: ${name}`).toBe(inUse.has(broker as keyof typeof BROKER_EXPORTER_SERIES));
      }
    }
  });

  it("filter every query by the selected namespace or consumer group", () => {
    for (const query of dashboardQueries()) {
      expect(query.expr, query.where).toMatch(
        /namespace="\$namespace"|consumer_name="\$consumer_group"|label_values\(/,
      );
    }
  });

  it("reject bad options with the option's name and value", () => {
    expect(() => resolveDashboardOptions({ lokiAppLabel: "app.kubernetes.io/name" })).toThrow(
      /lokiAppLabel.*"app\.kubernetes\.io\/name"/,
    );
    expect(() => generateDashboards({ targets: { consumerGroup: 'a"b' } })).toThrow(/consumerGroup.*"a\\"b"/);
  });
});
