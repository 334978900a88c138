/**
 * A unified diff of an in-place edit (what `--dry-run` prints): the config scripts replace
 * literals, never add or remove lines, so lines pair up one to one.
 */

/** Unified diff of `before` -> `after` of `path` with `context` lines around each change; "" when equal. */
export function unifiedDiff(path: string, before: string, after: string, context = 2): string {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length !== b.length) throw new Error(`${path}: the edit changed the number of lines`);
  const changed = a.flatMap((line, i) => (line === b[i] ? [] : [i]));
  if (changed.length === 0) return "";
  // group changed lines whose context windows touch into hunks
  const hunks: { start: number; end: number }[] = [];
  for (const i of changed) {
    const last = hunks.at(-1);
    if (last !== undefined && i - context <= last.end + 1) last.end = Math.min(a.length - 1, i + context);
    else hunks.push({ start: Math.max(0, i - context), end: Math.min(a.length - 1, i + context) });
  }
  const lines = [`--- a/${path}`, `+++ b/${path}`];
  for (const { start, end } of hunks) {
    const size = end - start + 1;
    lines.push(`@@ -${start + 1},${size} +${start + 1},${size} @@`);
    for (let i = start; i <= end; i++) {
      if (a[i] === b[i]) lines.push(` ${a[i]}`);
      else lines.push(`-${a[i]}`, `+${b[i]}`);
    }
  }
  return lines.join("\n");
}
