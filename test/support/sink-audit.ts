/**
 * Reads a consumer effect sink directory (SINK_DIR): which ids were applied (effect files), how
 * often each was applied (the per-instance `applied-*.log` lines, a ledger of applies), and how
 * often each was attempted (the per-instance `attempts-*.log` lines, written for every delivery the
 * consumer processed before the effect, so independent of the sink's idempotency).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

export interface SinkAudit {
  /** Ids with an effect file. */
  readonly applied: ReadonlySet<string>;
  /** Applies beyond the first, summed over ids: the ledger's sum minus the sum over unique ids. */
  readonly duplicateEffects: number;
  /** Applies per instance log. */
  readonly appliesByInstance: Readonly<Record<string, number>>;
  /** Deliveries that reached the sink, per id (from the attempts logs). */
  readonly attemptsById: ReadonlyMap<string, number>;
  /** Attempts beyond the first, summed over ids: duplicate deliveries the sink saw. */
  readonly duplicateDeliveries: number;
  /** Attempted ids per instance log, in order. */
  readonly attemptedByInstance: ReadonlyMap<string, readonly string[]>;
  /** Attempts of a delivery the broker marked as a redelivery (delivery count above 1). */
  readonly redeliveredAttempts: number;
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return []; // not created yet
  }
}

/** Lines of every `<prefix>-<instance>.log`, split in tokens, by instance. */
async function readLogs(dir: string, prefix: string): Promise<Map<string, string[][]>> {
  const pattern = new RegExp(`^${prefix}-(.*)\\.log$`);
  const byInstance = new Map<string, string[][]>();
  for (const entry of await listDir(dir)) {
    const match = pattern.exec(entry);
    if (!match) continue;
    const text = await readFile(join(dir, entry), "utf8");
    // a line still being written (no newline yet) is not counted
    const lines = text.split("\n").slice(0, -1);
    byInstance.set(
      match[1]!,
      lines.map((line) => line.split(" ")),
    );
  }
  return byInstance;
}

function tally(byInstance: Map<string, string[][]>): {
  byId: Map<string, number>;
  extra: number;
  perInstance: Record<string, number>;
} {
  const byId = new Map<string, number>();
  const perInstance: Record<string, number> = {};
  for (const [instance, ids] of byInstance) {
    perInstance[instance] = ids.length;
    for (const [id] of ids) byId.set(id!, (byId.get(id!) ?? 0) + 1);
  }
  let extra = 0;
  for (const n of byId.values()) extra += n - 1;
  return { byId, extra, perInstance };
}

export async function auditSink(dir: string): Promise<SinkAudit> {
  const files = await listDir(join(dir, "effects"));
  const applied = new Set(files.filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length)));
  const applies = tally(await readLogs(dir, "applied"));
  const attemptLines = await readLogs(dir, "attempts");
  const attempts = tally(attemptLines);
  const attemptedByInstance = new Map(
    [...attemptLines].map(([instance, lines]) => [instance, lines.map(([id]) => id!)]),
  );
  const redeliveredAttempts = [...attemptLines.values()]
    .flat()
    .filter(([, deliveryCount]) => Number(deliveryCount) > 1).length;
  return {
    applied,
    duplicateEffects: applies.extra,
    appliesByInstance: applies.perInstance,
    attemptsById: attempts.byId,
    duplicateDeliveries: attempts.extra,
    attemptedByInstance,
    redeliveredAttempts,
  };
}

/** Number of effect files (fast path for polling). */
export async function countEffects(dir: string): Promise<number> {
  return (await listDir(join(dir, "effects"))).length;
}
