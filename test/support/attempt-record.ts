/**
 * The consumers' own record of every settled attempt, independent of the effect sink: with
 * LOG_LEVEL=debug each consumer logs one "message settled" line per delivery it settles, with the
 * message id and its outcome (`processed`: this delivery applied the effect; `duplicate`: it found
 * the effect applied; `retried`). Read from every consumer's log file.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

export interface AttemptRecord {
  /** Settled deliveries, over all consumers. */
  readonly attempts: number;
  /** How many deliveries of each id applied its effect. */
  readonly processedById: ReadonlyMap<string, number>;
  /** Ids with a settled delivery of any outcome. */
  readonly attempted: ReadonlySet<string>;
  /** Σ (applies − 1) over ids applied more than once. */
  readonly duplicateEffects: number;
}

/** Parse the JSON log files named by `isLog` in `dir`. */
export async function readAttempts(dir: string, isLog: (file: string) => boolean): Promise<AttemptRecord> {
  const processedById = new Map<string, number>();
  const attempted = new Set<string>();
  let attempts = 0;
  for (const file of (await readdir(dir)).filter(isLog)) {
    for (const line of (await readFile(join(dir, file), "utf8")).split("\n")) {
      if (!line.startsWith("{")) continue;
      let entry: { msg?: string; id?: string; outcome?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue;
      }
      if (entry.msg !== "message settled" || entry.id === undefined) continue;
      attempts++;
      attempted.add(entry.id);
      if (entry.outcome === "processed") processedById.set(entry.id, (processedById.get(entry.id) ?? 0) + 1);
    }
  }
  let duplicateEffects = 0;
  for (const n of processedById.values()) duplicateEffects += Math.max(0, n - 1);
  return { attempts, processedById, attempted, duplicateEffects };
}
