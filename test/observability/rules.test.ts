/**
 * The alert rules through promtool (the machine's, Debian bookworm's 2.42, or the cached version
 * `PROMTOOL_VERSION` names: `npm run test:broker-versions` runs this file on Prometheus 3): `promtool check rules`
 * on the rendered rule file, and `promtool test rules` with the unit tests in ./promtool/, which
 * give input series and the expected alerts of every rule, firing and not firing.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { resolveToolBinary } from "../../testkit/tool-cache.js";
import { renderPrometheusRuleFile } from "../../cdk8s/observability/rule-file.js";
import { eventPipelineRuleGroups } from "../../cdk8s/observability/rule-groups.js";
import type { AlertRuleOptions } from "../../cdk8s/observability/rule-options.js";

const UNIT_TESTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "promtool");
const UNIT_TESTS = readdirSync(UNIT_TESTS_DIR)
  .filter((name) => name.endsWith(".test.yaml"))
  .sort();
/** The namespace the unit tests' input series use. */
const NAMESPACE = "event-pipeline";

const promtool = resolveToolBinary("promtool");
const workDirs: string[] = [];
afterAll(() => {
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

/** Write rules.yaml (from `options`) and the unit tests into a fresh directory. */
function workspace(options: AlertRuleOptions): string {
  const dir = mkdtempSync(join(tmpdir(), "promtool-"));
  workDirs.push(dir);
  writeFileSync(join(dir, "rules.yaml"), renderPrometheusRuleFile(eventPipelineRuleGroups(options)));
  for (const name of UNIT_TESTS) copyFileSync(join(UNIT_TESTS_DIR, name), join(dir, name));
  return dir;
}

function run(args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(promtool, args, { cwd, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

interface UnitTestFile {
  tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

describe("alert rules (promtool)", () => {
  const groups = eventPipelineRuleGroups({ namespace: NAMESPACE });
  const alertNames = groups.flatMap((g) => g.rules.map((r) => r.alert)).sort();

  it("has the alerts the issue asks for", () => {
    expect(alertNames).toEqual([
      "EventPipelineBacklogGrowing",
      "EventPipelineConsumersAtMaxReplicas",
      "EventPipelineDeadLetteringFailed",
      "EventPipelineDeadLetters",
      "EventPipelinePublishFailures",
      "EventPipelineQueueDepthMissing",
      "EventPipelineScalerMetricMissing",
    ]);
    expect(
      groups.flatMap((g) => g.rules).find((r) => r.alert === "EventPipelineScalerMetricMissing")?.expr,
    ).toMatch(/^absent\(keda_scaler_metrics_value\{/);
  });

  it("promtool check rules accepts the rendered rule file", () => {
    const dir = workspace({ namespace: NAMESPACE });
    const { status, output } = run(["check", "rules", "rules.yaml"], dir);
    expect(output).toContain(`SUCCESS: ${alertNames.length} rules found`);
    expect(status).toBe(0);
  });

  it("has a firing and a not-firing unit test for every alert", () => {
    const firing = new Set<string>();
    const silent = new Set<string>();
    for (const name of UNIT_TESTS) {
      const file = parse(readFileSync(join(UNIT_TESTS_DIR, name), "utf8")) as UnitTestFile;
      for (const test of file.tests) {
        for (const check of test.alert_rule_test ?? []) {
          ((check.exp_alerts ?? []).length > 0 ? firing : silent).add(check.alertname);
        }
      }
    }
    expect([...firing].sort()).toEqual(alertNames);
    expect([...silent].sort()).toEqual(alertNames);
  });

  it("promtool test rules passes the unit tests", () => {
    const dir = workspace({ namespace: NAMESPACE });
    const { status, output } = run(["test", "rules", ...UNIT_TESTS], dir);
    expect(output).not.toContain("FAILED");
    expect(status, output).toBe(0);
  });

  it("the unit tests fail when a rule's logic changes (a backlog threshold far too high)", () => {
    const dir = workspace({ namespace: NAMESPACE, backlogMinMessages: 100_000 });
    const { status, output } = run(["test", "rules", ...UNIT_TESTS], dir);
    expect(output).toContain("EventPipelineBacklogGrowing");
    expect(status).not.toBe(0);
  });

  it("rejects bad options with the option's name and value", () => {
    expect(() => eventPipelineRuleGroups({ namespace: "Bad_NS" })).toThrow(/namespace.*"Bad_NS"/);
    expect(() => eventPipelineRuleGroups({ namespace: NAMESPACE, backlogGrowingFor: "15 minutes" })).toThrow(
      /backlogGrowingFor.*"15 minutes"/,
    );
    expect(() => eventPipelineRuleGroups({ namespace: NAMESPACE, backlogMinMessages: -1 })).toThrow(
      /backlogMinMessages.*-1/,
    );
  });
});
