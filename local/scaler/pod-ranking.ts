/**
 * Which pods a scale-in removes first, as the ReplicaSet controller ranks them
 * (kubernetes@v1.29.0: pkg/controller/replicaset/replica_set.go getPodsToDelete, which sorts by
 * pkg/controller/controller_utils.go ActivePodsWithRanks.Less). Of its criteria, these apply to
 * local processes (all on one node, running, no deletion cost, no restarts):
 * 1. not ready before ready;
 * 2. both ready: the more recently ready first, compared in log2 buckets of the time since ready
 *    (LogarithmicScaleDown, on by default since 1.22);
 * 3. then the more recently created first, in the same buckets;
 * 4. then by UID, which makes the choice among equals arbitrary (here: the pod name).
 */

export interface RankedPod {
  readonly name: string;
  /** When the process was started (ms, one clock for all). */
  readonly createdAtMs: number;
  /** When /readyz first answered 200; undefined while not ready. */
  readonly readyAtMs: number | undefined;
}

/** logarithmicRankDiff: floor(log2(age in ns)) of each, compared; −1 for an age ≤ 0. */
function logRankDiff(t1: number, t2: number, nowMs: number): number {
  const bucket = (t: number) => {
    const ageNs = (nowMs - t) * 1e6;
    return ageNs > 0 ? Math.floor(Math.log2(ageNs)) : -1;
  };
  return bucket(t1) - bucket(t2);
}

/** Negative when `a` is deleted before `b`. */
export function compareForDeletion(a: RankedPod, b: RankedPod, nowMs: number): number {
  const aReady = a.readyAtMs !== undefined;
  const bReady = b.readyAtMs !== undefined;
  if (aReady !== bReady) return aReady ? 1 : -1;
  if (aReady && bReady && a.readyAtMs !== b.readyAtMs) {
    const diff = logRankDiff(a.readyAtMs!, b.readyAtMs!, nowMs);
    if (diff !== 0) return diff;
  }
  if (a.createdAtMs !== b.createdAtMs) {
    const diff = logRankDiff(a.createdAtMs, b.createdAtMs, nowMs);
    if (diff !== 0) return diff;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The `count` pods to delete, in order. */
export function podsToDelete<T extends RankedPod>(pods: readonly T[], count: number, nowMs: number): T[] {
  return [...pods].sort((a, b) => compareForDeletion(a, b, nowMs)).slice(0, Math.max(0, count));
}
