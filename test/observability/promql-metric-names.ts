/**
 * Metric names referenced by a PromQL expression (or a Grafana `label_values(metric, label)`
 * variable query). A small lexer, not a parser: it drops strings, label matchers, ranges and
 * grouping clauses, then keeps every identifier that is not a function call, a keyword or a number.
 */

const KEYWORDS = new Set([
  "and",
  "or",
  "unless",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "offset",
  "inf",
  "nan",
]);

const GROUPING = /\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g;
const TOKEN = /(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[a-zA-Z]*)|([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?|(\S)/g;

/** Metric names in one expression, sorted and unique. */
export function metricNamesInPromql(expr: string): string[] {
  const labelValues = /^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{[^}]*\})?\s*,/.exec(expr);
  if (labelValues?.[1] !== undefined) return [labelValues[1]];
  if (/^\s*label_values\(/.test(expr)) return [];

  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(GROUPING, " ");
  const names = new Set<string>();
  for (const match of stripped.matchAll(TOKEN)) {
    const [, number, identifier, call] = match;
    if (number !== undefined || identifier === undefined) continue;
    if (call !== undefined) continue; // function call, e.g. rate(
    if (KEYWORDS.has(identifier.toLowerCase())) continue;
    names.add(identifier);
  }
  return [...names].sort();
}
