/**
 * The demonstration `npm run local` runs with no flags: a load that rises above what one consumer
 * can process and falls back to nothing, at a speed at which the whole KEDA cycle, 0 → N → 0, fits
 * in about two minutes with the dev manifests (cooldownPeriod 300 s and a 300 s scale-down window
 * become 30 s at speed 10).
 */

/** Controller speed of the demonstration and of any run without --speed. */
export const DEFAULT_SPEED = 10;

/** The "one replica's worth" rate used when WORK_TIME_MS is 0 (msg/s). */
const UNBOUNDED_REPLICA_RATE = 100;

export interface DemoPlan {
  /** LOAD_PROFILE of the producer. */
  readonly loadProfile: string;
  /** Seconds after the start at which the load is over. */
  readonly loadEndsAtSeconds: number;
  /** Stop at the latest this long after the start, even if the cycle is not over. */
  readonly maxSeconds: number;
}

/**
 * Rates relative to what one replica processes (`concurrency × 1000 / workTimeMs` msg/s): idle
 * 5 s, half a replica's worth for 20 s, 2.5 replicas' worth for 25 s, half again for 15 s, then
 * nothing (the last step outlasts the run, so the profile never repeats).
 */
export function demoPlan(replicaCapacityPerSecond: number): DemoPlan {
  // With no simulated work a replica has no fixed capacity; the lag then drives the scaling alone.
  const capacity = Number.isFinite(replicaCapacityPerSecond)
    ? replicaCapacityPerSecond
    : UNBOUNDED_REPLICA_RATE;
  const steps: [number, number][] = [
    [0, 5],
    [0.5, 20],
    [2.5, 25],
    [0.5, 15],
  ];
  const rate = (share: number) => Math.round(share * capacity * 100) / 100;
  const loadEndsAtSeconds = steps.reduce((sum, [, seconds]) => sum + seconds, 0);
  return {
    loadProfile: `steps:${[...steps.map(([share, s]) => `${rate(share)}@${s}s`), "0@60m"].join(",")}`,
    loadEndsAtSeconds,
    maxSeconds: 180,
  };
}
