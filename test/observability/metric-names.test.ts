/**
 * Every metric name in every PromQL expression (dashboards and alert rules) must exist: in the
 * apps' /metrics (scraped live from the built apps against a real nats-server; the shared contract's
 * list before the apps are built), the Memphis exporter's names, or the external allowlist.
 */
import { describe, expect, it } from "vitest";
import { appsBuilt, scrapeLiveAppMetrics } from "./app-metrics.js";
import { dashboardQueries, ruleQueries, type FoundQuery } from "./collect-queries.js";
import {
  allSampleNames,
  CONTRACT_APP_METRICS,
  EXTERNAL_METRICS,
  familiesInExposition,
  MEMPHIS_EXPORTER_METRICS,
  NATS_EXPORTER_METRICS,
  type MetricType,
} from "./known-metrics.js";
import { metricNamesInPromql } from "./promql-metric-names.js";

const promqlQueries: FoundQuery[] = [...dashboardQueries(), ...ruleQueries()].filter(
  (q) => q.language === "promql",
);

const contractAppFamilies: Record<string, MetricType> = {
  ...CONTRACT_APP_METRICS.producer,
  ...CONTRACT_APP_METRICS.consumer,
};
const notFromApps = new Set([
  ...allSampleNames(MEMPHIS_EXPORTER_METRICS),
  ...allSampleNames(NATS_EXPORTER_METRICS),
  ...allSampleNames(EXTERNAL_METRICS),
]);

/** `where: name` for every referenced metric name that is not in `known`. */
function unknownNames(known: ReadonlySet<string>): string[] {
  return promqlQueries.flatMap((query) =>
    metricNamesInPromql(query.expr)
      .filter((name) => !known.has(name))
      .map((name) => `${query.where}: ${name}`),
  );
}

describe("metric names in PromQL", () => {
  it("are extracted from expressions, not from functions, labels, keywords or strings", () => {
    expect(
      metricNamesInPromql(
        'histogram_quantile(0.99, sum by (le) (rate(consumer_end_to_end_latency_seconds_bucket{namespace="$namespace", a=~"x|y"}[$__rate_interval])))',
      ),
    ).toEqual(["consumer_end_to_end_latency_seconds_bucket"]);
    expect(
      metricNamesInPromql(
        "max by (namespace) (a_total) >= on (namespace) group_left() b\nand\nc offset 5m unless d[10m:1m] > bool 0",
      ),
    ).toEqual(["a_total", "b", "c", "d"]);
    expect(metricNamesInPromql('absent(x{l="rate(y)"}) or vector(0) * 1e3 + inf')).toEqual(["x"]);
    expect(metricNamesInPromql("label_values(broker_queue_depth_messages, namespace)")).toEqual([
      "broker_queue_depth_messages",
    ]);
    expect(metricNamesInPromql("label_values(namespace)")).toEqual([]);
  });

  it("finds queries in the dashboards and the alert rules", () => {
    expect(promqlQueries.filter((q) => q.where.startsWith("rule ")).length).toBeGreaterThanOrEqual(6);
    expect(promqlQueries.filter((q) => q.where.includes(".json")).length).toBeGreaterThanOrEqual(15);
  });

  it("refer only to the contract's app metrics, the Memphis exporter's or known external ones", () => {
    const known = new Set([...allSampleNames(contractAppFamilies), ...notFromApps]);
    expect(unknownNames(known)).toEqual([]);
  });

  it("the check catches a misspelt metric", () => {
    const known = new Set([...allSampleNames(contractAppFamilies), ...notFromApps]);
    expect(metricNamesInPromql("rate(consumer_message_total[5m])").filter((n) => !known.has(n))).toEqual([
      "consumer_message_total",
    ]);
    // A histogram is queried through its _bucket/_sum/_count series, never by its family name.
    expect(known.has("consumer_end_to_end_latency_seconds")).toBe(false);
  });

  it("cover every app metric of the contract on a dashboard", () => {
    const used = new Set(
      dashboardQueries().flatMap((q) => (q.language === "promql" ? metricNamesInPromql(q.expr) : [])),
    );
    const unused = Object.entries(contractAppFamilies)
      .filter(([family, type]) => ![...allSampleNames({ [family]: type })].some((name) => used.has(name)))
      .map(([family]) => family);
    expect(unused).toEqual([]);
  });

  it.skipIf(!appsBuilt())(
    "exist in the live /metrics of the built producer and consumer (real nats-server)",
    { timeout: 120_000 },
    async () => {
      const live = await scrapeLiveAppMetrics();
      const producer = familiesInExposition(live.producer);
      const consumer = familiesInExposition(live.consumer);

      // The apps export the contract's metrics, with the contract's types.
      for (const [app, families] of [
        ["producer", producer],
        ["consumer", consumer],
      ] as const) {
        for (const [family, type] of Object.entries(CONTRACT_APP_METRICS[app])) {
          expect(families[family], `${app} exports ${family} as a ${type}`).toBe(type);
        }
        // prom-client's default process/nodejs metrics are on.
        expect(Object.keys(families), `${app} default metrics`).toContain("process_cpu_seconds_total");
      }

      // Every name the dashboards and rules query is scraped live (or comes from Memphis / outside).
      const known = new Set([...allSampleNames(producer), ...allSampleNames(consumer), ...notFromApps]);
      expect(unknownNames(known)).toEqual([]);
    },
  );
});
