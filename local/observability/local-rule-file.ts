/**
 * The alert rules of `dist-manifests/<env>/`, as the Prometheus Operator hands them to Prometheus:
 * the `spec.groups` of every synthesized PrometheusRule, written as one rule file. With `--speed K`
 * every duration of a rule (its `for`, its range windows `[10m]`, subquery steps and `offset`s)
 * is divided by K, as the controllers' intervals are, so an alert that needs 15 minutes on a
 * cluster fires after 15/K minutes of the same condition here. At speed 1 the file is the
 * manifest's rules unchanged.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import type { EnvironmentName } from "../../cdk8s/config.js";
import type { RuleGroup } from "../../cdk8s/observability/rule-types.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  y: 31536000,
};
/** A Prometheus duration such as `15m` or `1h30m` (model.ParseDuration's units). */
const DURATION = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;

/** Seconds of a Prometheus duration. */
export function durationSeconds(text: string): number {
  if (!DURATION.test(text)) throw new Error(`not a Prometheus duration: ${JSON.stringify(text)}`);
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g))
    total += Number(n) * UNIT_SECONDS[unit!]!;
  return total;
}

/** `text` divided by `speed`, in whole milliseconds (at least 1 ms). */
export function scaledDuration(text: string, speed: number): string {
  if (speed === 1) return text;
  return `${Math.max(1, Math.round((durationSeconds(text) * 1000) / speed))}ms`;
}

/** Every duration in a PromQL expression: `[5m]`, `[10m:1m]`, `offset 5m`. */
export function scaleExpression(expr: string, speed: number): string {
  if (speed === 1) return expr;
  const d = "((?:\\d+(?:ms|s|m|h|d|w|y))+)";
  return expr
    .replace(new RegExp(`\\[${d}(?::${d})?\\]`, "g"), (_, range: string, step: string | undefined) =>
      step === undefined
        ? `[${scaledDuration(range, speed)}]`
        : `[${scaledDuration(range, speed)}:${scaledDuration(step, speed)}]`,
    )
    .replace(
      new RegExp(`offset\\s+${d}`, "g"),
      (_, offset: string) => `offset ${scaledDuration(offset, speed)}`,
    );
}

/** The groups of every PrometheusRule in `dist-manifests/<env>/`. */
export function readRuleGroups(
  env: EnvironmentName,
  root: string = join(REPO_ROOT, "dist-manifests"),
): RuleGroup[] {
  const dir = join(root, env);
  const files = readdirSync(dir).filter((f) => f.startsWith("prometheusrule-") && f.endsWith(".yaml"));
  if (files.length === 0) throw new Error(`${dir}: no PrometheusRule manifest (run \`npm run synth\`)`);
  return files.flatMap((file) => {
    const manifest = parse(readFileSync(join(dir, file), "utf8")) as { spec?: { groups?: RuleGroup[] } };
    return manifest.spec?.groups ?? [];
  });
}

/** The rule file text for Prometheus, durations divided by `speed`. */
export function localRuleFile(groups: readonly RuleGroup[], speed: number): string {
  const scaled = groups.map((group) => ({
    ...group,
    ...(group.interval === undefined ? {} : { interval: scaledDuration(group.interval, speed) }),
    rules: group.rules.map((rule) => ({
      ...rule,
      expr: scaleExpression(rule.expr, speed),
      ...(rule.for === undefined ? {} : { for: scaledDuration(rule.for, speed) }),
    })),
  }));
  return stringify({ groups: scaled });
}
