/**
 * Every PromQL expression the repository ships — dashboard panels and variables, alert rules, and
 * the KEDA Prometheus trigger's query — parsed by real PromQL parsers, with Grafana's variables
 * substituted: `promtool check rules` (Prometheus's own Go parser, Debian's `prometheus` 2.42) on a
 * generated file of recording rules, and @prometheus-io/lezer-promql (the grammar of Prometheus's
 * web UI) for the syntax tree. From the tree, every label an expression names on an app metric must
 * be one that app exports (read from the apps' own metric definitions) or one Prometheus adds when
 * it scrapes through a ServiceMonitor.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parser } from "@prometheus-io/lezer-promql";
import type { Registry } from "prom-client";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { queueDepthQuery } from "../../cdk8s/lib/queue-scaler.js";
import { ensureDebianTool, PROMTOOL } from "../../testkit/debian-tools.js";
import { stationStreamName } from "../../src/broker/memphis/names.js";
import { COMMON_SETTINGS } from "../../src/runtime/config/common-contract.js";
import { createConsumerMetrics } from "../../src/runtime/metrics/consumer-metrics.js";
import { createProducerMetrics } from "../../src/runtime/metrics/producer-metrics.js";
import { createQueueDepthGauge } from "../../src/runtime/metrics/queue-depth-metric.js";
import { createRegistry } from "../../src/runtime/metrics/registry.js";
import { dashboardQueries, ruleQueries, type FoundQuery } from "./collect-queries.js";
import { sampleNames, type MetricType } from "./known-metrics.js";

/**
 * Labels Prometheus puts on every series it scrapes through a ServiceMonitor: `job` and `instance`
 * always, and the Prometheus Operator's runtime metadata (prometheus-operator/prometheus-operator
 * @main:Documentation/user-guides/running-exporters.md, "Default Labels").
 */
const SCRAPE_LABELS = ["job", "instance", "namespace", "service", "pod", "container", "endpoint"];

/** Grafana's built-in interval variables, and a value for every other (label-value) variable. */
function substituteGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, "5m")
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, "grafana_variable_value");
}

/** The PromQL of a query: `label_values(selector, label)` is Grafana's; its selector is PromQL. */
function promqlOf(query: FoundQuery): string | undefined {
  const expr = substituteGrafanaVariables(query.expr);
  const labelValues = /^\s*label_values\((.*),\s*\w+\s*\)\s*$/s.exec(expr);
  if (labelValues) return labelValues[1];
  if (/^\s*label_values\(\s*\w+\s*\)\s*$/.test(expr)) return undefined; // no selector at all
  return expr;
}

const kedaQuery: FoundQuery = {
  where: "KEDA ScaledObject prometheus trigger",
  language: "promql",
  expr: queueDepthQuery(
    stationStreamName(COMMON_SETTINGS.STREAM.default),
    COMMON_SETTINGS.CONSUMER_GROUP.default,
  ),
};

const expressions = [...dashboardQueries(), ...ruleQueries(), kedaQuery]
  .filter((q) => q.language === "promql")
  .flatMap((q) => {
    const expr = promqlOf(q);
    return expr === undefined ? [] : [{ where: q.where, expr }];
  });

const promtool = ensureDebianTool(PROMTOOL);
const workDirs: string[] = [];
afterAll(() => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

/** `promtool check rules` on one recording rule per expression; the failures, by where. */
function promtoolFailures(list: readonly { where: string; expr: string }[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "promql-check-"));
  workDirs.push(dir);
  const failures: string[] = [];
  // One file per expression: promtool stops a file at its first bad rule.
  list.forEach(({ where, expr }, i) => {
    const file = join(dir, `expr-${i}.yaml`);
    const rules = { groups: [{ name: `expr-${i}`, rules: [{ record: `check:expr_${i}`, expr }] }] };
    writeFileSync(file, stringify(rules));
    const result = spawnSync(promtool, ["check", "rules", file], { encoding: "utf8", timeout: 60_000 });
    if (result.status !== 0) failures.push(`${where}: ${`${result.stdout}${result.stderr}`.trim()}`);
  });
  return failures;
}

interface Selector {
  readonly metric: string | undefined;
  readonly labels: readonly string[];
}
interface Tree {
  readonly selectors: readonly Selector[];
  /** Labels of `by`, `without`, `on`, `ignoring`, `group_left/right`. */
  readonly groupingLabels: readonly string[];
  /** Parse errors (lezer marks them as error nodes). */
  readonly errors: number;
}

function treeOf(expr: string): Tree {
  const selectors: Selector[] = [];
  const groupingLabels: string[] = [];
  let errors = 0;
  const text = (from: number, to: number) => expr.slice(from, to);
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.type.isError) errors++;
    if (cursor.type.name === "VectorSelector") {
      const node = cursor.node;
      const identifier = node.getChild("Identifier");
      const labels: string[] = [];
      const matchers = node.getChild("LabelMatchers");
      const inner = matchers?.cursor();
      if (inner) {
        do if (inner.type.name === "LabelName") labels.push(text(inner.from, inner.to));
        while (inner.next() && inner.from < matchers!.to);
      }
      selectors.push({ metric: identifier ? text(identifier.from, identifier.to) : undefined, labels });
    }
    if (cursor.type.name === "GroupingLabels") {
      for (const label of cursor.node.getChildren("LabelName"))
        groupingLabels.push(text(label.from, label.to));
    }
  } while (cursor.next());
  return { selectors, groupingLabels, errors };
}

/**
 * Sample name → labels, from the apps' own metric definitions: each metric's declared label names
 * and the samples' labels (which carry the registry's default label `app`), `le` on buckets.
 */
async function appSampleLabels(): Promise<Map<string, Set<string>>> {
  const byName = new Map<string, Set<string>>();
  for (const app of ["producer", "consumer"] as const) {
    const registry: Registry = createRegistry(app);
    if (app === "producer") createProducerMetrics(registry);
    else createConsumerMetrics(registry);
    createQueueDepthGauge(registry);
    const declared = new Map(
      registry
        .getMetricsAsArray()
        .map((m) => [m.name, (m as unknown as { labelNames?: string[] }).labelNames ?? []] as const),
    );
    for (const metric of await registry.getMetricsAsJSON()) {
      const labels = new Set([
        "app",
        ...(declared.get(metric.name) ?? []),
        ...metric.values.flatMap((v) => Object.keys(v.labels)),
      ]);
      labels.delete("le");
      for (const sample of sampleNames(metric.name, String(metric.type) as MetricType)) {
        const set = byName.get(sample) ?? new Set<string>();
        for (const l of labels) set.add(l);
        if (sample.endsWith("_bucket")) set.add("le");
        byName.set(sample, set);
      }
    }
  }
  return byName;
}

/** `where: problem` for labels an expression names that the metric (or the scrape) does not have. */
function unknownLabels(
  list: readonly { where: string; expr: string }[],
  appLabels: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  const problems: string[] = [];
  for (const { where, expr } of list) {
    const tree = treeOf(expr);
    const appSelectors = tree.selectors.filter((s) => s.metric !== undefined && appLabels.has(s.metric));
    const available = new Set(SCRAPE_LABELS);
    for (const s of appSelectors) for (const l of appLabels.get(s.metric!)!) available.add(l);
    for (const s of appSelectors) {
      const own = new Set([...SCRAPE_LABELS, ...appLabels.get(s.metric!)!]);
      for (const label of s.labels)
        if (!own.has(label)) problems.push(`${where}: ${s.metric} has no label "${label}"`);
    }
    // Grouping labels are checked when every series in the expression is an app's.
    if (appSelectors.length > 0 && appSelectors.length === tree.selectors.length) {
      for (const label of tree.groupingLabels)
        if (!available.has(label)) problems.push(`${where}: no series here has label "${label}"`);
    }
  }
  return problems;
}

describe(
  "PromQL of dashboards, alerts and the KEDA trigger, through real parsers",
  { timeout: 120_000 },
  () => {
    it("collects the expressions: panels, variables, rules and the trigger", () => {
      expect(expressions.some((e) => e.where.startsWith("rule "))).toBe(true);
      expect(expressions.some((e) => e.where.includes("variable $"))).toBe(true);
      expect(expressions.some((e) => e.where.startsWith("KEDA"))).toBe(true);
      expect(expressions.every((e) => !e.expr.includes("$"))).toBe(true);
      const selectors = expressions.flatMap((e) => treeOf(e.expr).selectors);
      console.log(
        `[promql] ${expressions.length} expressions, ${selectors.length} selectors, ${selectors.filter((s) => s.labels.length > 0).length} with label matchers`,
      );
      expect(selectors.filter((s) => s.labels.length > 0).length).toBeGreaterThan(10);
    });

    it("promtool check rules accepts every expression", () => {
      expect(promtoolFailures(expressions)).toEqual([]);
    });

    it("promtool rejects a broken expression and names it (control)", () => {
      const failures = promtoolFailures([
        { where: "good", expr: "sum(rate(consumer_messages_total[5m]))" },
        { where: "broken", expr: "sum(rate(consumer_messages_total[5m])" },
        { where: "range of a range", expr: "rate(consumer_messages_total[5m][5m])" },
      ]);
      expect(failures.map((f) => f.split(":")[0])).toEqual(["broken", "range of a range"]);
    });

    it("the lezer grammar parses every expression without an error node", () => {
      expect(expressions.filter((e) => treeOf(e.expr).errors > 0).map((e) => e.where)).toEqual([]);
      expect(treeOf("sum(rate(x[5m])").errors).toBeGreaterThan(0);
    });

    it("names only labels the apps export or the scrape adds", async () => {
      const appLabels = await appSampleLabels();
      expect([...appLabels.get("consumer_messages_total")!].sort()).toEqual(["app", "outcome"]);
      expect(appLabels.get("consumer_end_to_end_latency_seconds_bucket")?.has("le")).toBe(true);
      expect(appLabels.get("consumer_dead_lettered_total")?.has("reason")).toBe(true);
      expect(unknownLabels(expressions, appLabels)).toEqual([]);
    });

    it("the label check catches a misspelt or misplaced label (control)", async () => {
      const appLabels = await appSampleLabels();
      expect(
        unknownLabels(
          [
            { where: "a", expr: 'sum by (outcom) (rate(consumer_messages_total{outcome="processed"}[5m]))' },
            { where: "b", expr: 'consumer_messages_total{reason="poison"}' },
            { where: "c", expr: 'sum by (namespace, pod) (broker_queue_depth_messages{state="pending"})' },
          ],
          appLabels,
        ),
      ).toEqual(['a: no series here has label "outcom"', 'b: consumer_messages_total has no label "reason"']);
    });
  },
);
