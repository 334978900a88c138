/**
 * Reads a consumer effect sink directory (SINK_DIR): which ids were applied (effect files), how
 * often each was applied (the per-instance `applied-*.log` lines), and with which delivery count.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

export interface SinkAudit {
  /** Ids with an effect file. */
  readonly applied: ReadonlySet<string>;
  /** Applies beyond the first, summed over ids (must be 0). */
  readonly duplicateEffects: number;
  /** Applies per instance log. */
  readonly appliesByInstance: Readonly<Record<string, number>>;
}

export async function auditSink(dir: string): Promise<SinkAudit> {
  let files: string[] = [];
  try {
    files = await readdir(join(dir, "effects"));
  } catch {
    // not created yet
  }
  const applied = new Set(files.filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length)));
  const counts = new Map<string, number>();
  const appliesByInstance: Record<string, number> = {};
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch {
    // not created yet
  }
  for (const entry of entries.filter((e) => /^applied-.*\.log$/.test(e))) {
    const ids = (await readFile(join(dir, entry), "utf8")).split("\n").filter((l) => l !== "");
    appliesByInstance[entry.slice("applied-".length, -".log".length)] = ids.length;
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  let duplicateEffects = 0;
  for (const n of counts.values()) duplicateEffects += n - 1;
  return { applied, duplicateEffects, appliesByInstance };
}

/** Number of effect files (fast path for polling). */
export async function countEffects(dir: string): Promise<number> {
  try {
    return (await readdir(join(dir, "effects"))).length;
  } catch {
    return 0;
  }
}

/** Delivery count recorded in each effect file. */
export async function effectDeliveryCounts(dir: string): Promise<number[]> {
  const files = await readdir(join(dir, "effects")).catch(() => [] as string[]);
  const counts: number[] = [];
  for (const f of files) {
    try {
      const effect = JSON.parse(await readFile(join(dir, "effects", f), "utf8")) as { deliveryCount: number };
      counts.push(effect.deliveryCount);
    } catch {
      // being written
    }
  }
  return counts;
}
