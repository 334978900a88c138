/**
 * Checks of an Application's Helm source against the facts of its pinned chart version
 * (schemas/charts/<chart>@<version>.json): values keys, generated Secrets left to the chart.
 */
import type { ChartFacts } from "../../../cdk8s/argocd/chart-facts.js";

/** Dotted paths of a values object as the facts write them: an array ends the path as `key[]`, a dot in a key is `\.`. */
export function valuesPaths(values: unknown, prefix = ""): { path: string; value: unknown }[] {
  if (values === null || typeof values !== "object" || Array.isArray(values)) return [];
  return Object.entries(values as Record<string, unknown>).flatMap(([key, value]) => {
    const path = `${prefix}${key.replaceAll(".", "\\.")}${Array.isArray(value) ? "[]" : ""}`;
    return [{ path, value }, ...valuesPaths(value, `${path}.`)];
  });
}

/**
 * Paths the Application sets that the pinned chart does not know. A path is known when it is a key
 * of values.yaml or read by a template, a key of a subchart under its name, or lies below a key whose
 * default is a free-form map `{}` or below a known leaf (whose content the chart passes through).
 */
export function unknownValuesKeys(values: unknown, facts: ChartFacts): string[] {
  const own = new Set([...facts.valuesKeys, ...facts.templateValuesRefs]);
  const dependencies = Object.entries(facts.dependencyValuesKeys ?? {}).map(
    ([name, dep]) => [name, new Set(dep.keys)] as const,
  );
  const known = (path: string): boolean =>
    own.has(path) ||
    dependencies.some(([name, keys]) => path.startsWith(`${name}.`) && keys.has(path.slice(name.length + 1)));
  const hasChildren = (path: string): boolean =>
    [...own].some((k) => k.startsWith(`${path}.`)) ||
    dependencies.some(([name, keys]) => [...keys].some((k) => `${name}.${k}`.startsWith(`${path}.`)));
  const passThrough = new Set(facts.valuesFreeformMaps);
  const unknown: string[] = [];
  const open = new Set<string>();
  for (const { path } of valuesPaths(values)) {
    const parent = path.slice(0, Math.max(0, path.lastIndexOf(".")));
    if ([...open].some((o) => path.startsWith(`${o}.`))) continue;
    if (known(path)) {
      if (passThrough.has(path) || !hasChildren(path)) open.add(path);
      continue;
    }
    if (parent !== "" && open.has(parent)) continue;
    unknown.push(path);
    open.add(path);
  }
  return unknown;
}

/** The value at a dotted path (as written in the facts' `existingSecretValue`). */
export function valueAt(values: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (v, key) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined),
      values,
    );
}

const PATH = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+/;

/**
 * Generated Secrets the chart still renders with these values, i.e. left to randAlphaNum & co.
 * A Secret is off when its condition names a switch that defaults to false (`x (default false)`,
 * or a `... => not rendered` list) and the values do not turn it on; otherwise the values must point
 * the chart at an existing Secret through the facts' `existingSecretValue`.
 */
export function secretsLeftToChart(values: unknown, facts: ChartFacts): string[] {
  return facts.generatedSecrets
    .filter((secret) => {
      const condition = secret.condition;
      const offByDefault = [
        ...condition.matchAll(new RegExp(`(${PATH.source}) \\(default false\\)`, "g")),
      ].map((m) => m[1]!);
      if (/=> not rendered/.test(condition)) {
        const switches = condition
          .split("(")[0]!
          .split("&&")
          .map((p) => p.trim())
          .filter((p) => PATH.test(p) && !p.startsWith("!"));
        offByDefault.push(...switches);
      }
      if (offByDefault.some((path) => !valueAt(values, path))) return false;
      const existing =
        secret.existingSecretValue === null ? undefined : PATH.exec(secret.existingSecretValue)?.[0];
      return existing === undefined || !valueAt(values, existing);
    })
    .map((s) => s.name);
}
