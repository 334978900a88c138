/** The local rule file: the synthesized PrometheusRule's groups, every duration divided by the speed. */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import {
  durationSeconds,
  localRuleFile,
  readRuleGroups,
  scaledDuration,
  scaleExpression,
} from "../../../../local/observability/local-rule-file.js";
import { ensureDebianTool, PROMTOOL } from "../../../../testkit/debian-tools.js";
import type { RuleGroup } from "../../../../cdk8s/observability/rule-types.js";

describe("local rule file", () => {
  it("reads Prometheus durations", () => {
    expect(durationSeconds("15m")).toBe(900);
    expect(durationSeconds("1h30m")).toBe(5400);
    expect(durationSeconds("250ms")).toBe(0.25);
    expect(() => durationSeconds("15 minutes")).toThrow(/not a Prometheus duration/);
  });

  it("divides range windows, subquery steps, offsets and `for` by the speed", () => {
    expect(scaledDuration("15m", 30)).toBe("30000ms");
    expect(scaledDuration("15m", 1)).toBe("15m");
    expect(scaleExpression("delta(x[10m]) > 0 unless y offset 5m", 10)).toBe(
      "delta(x[60000ms]) > 0 unless y offset 30000ms",
    );
    expect(scaleExpression("max_over_time(x[10m:1m])", 60)).toBe("max_over_time(x[10000ms:1000ms])");
    // Label values that look like durations are not touched.
    expect(scaleExpression('x{window="10m"}', 10)).toBe('x{window="10m"}');
  });

  it("keeps the manifest's rules at speed 1 and scales every `for` otherwise", () => {
    const groups = readRuleGroups("dev");
    expect(groups.length).toBeGreaterThan(0);
    expect(parse(localRuleFile(groups, 1))).toEqual({
      groups: JSON.parse(JSON.stringify(groups)) as RuleGroup[],
    });
    const fast = (parse(localRuleFile(groups, 30)) as { groups: RuleGroup[] }).groups;
    const pairs = groups.flatMap((g, i) => g.rules.map((r, j) => [r, fast[i]!.rules[j]!] as const));
    for (const [original, scaled] of pairs) {
      expect(scaled.alert).toBe(original.alert);
      if (original.for !== undefined)
        expect(durationSeconds(scaled.for!)).toBeCloseTo(durationSeconds(original.for) / 30, 3);
      if (/\[\d+[smh]\]/.test(original.expr)) expect(scaled.expr).not.toBe(original.expr);
    }
  });

  it("is a rule file promtool accepts", async () => {
    const promtool = ensureDebianTool(PROMTOOL);
    const dir = await mkdtemp(join(tmpdir(), "local-rules-"));
    try {
      const file = join(dir, "rules.yml");
      await writeFile(file, localRuleFile(readRuleGroups("dev"), 30));
      const check = spawnSync(promtool, ["check", "rules", file], { encoding: "utf8" });
      expect(check.stderr + check.stdout).toMatch(/SUCCESS/);
      expect(check.status).toBe(0);
      // Negative control: promtool rejects a broken expression, so the check above can fail.
      await writeFile(file, localRuleFile([{ name: "x", rules: [{ alert: "X", expr: "sum(" }] }], 30));
      expect(spawnSync(promtool, ["check", "rules", file]).status).not.toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
