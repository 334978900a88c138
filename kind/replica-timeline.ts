/**
 * The end-to-end test's scaling verdict: the consumer Deployment's replica count, sampled over time,
 * must go 0 → ≥ peak → 0 in that order (KEDA woke it from zero, the HPA scaled it out on the
 * burst's queue depth, and KEDA returned it to zero after the cooldown). Pure: samples in, verdict out.
 */

/** One reading of `.spec.replicas` of the consumer Deployment. */
export interface ReplicaSample {
  /** Milliseconds since the burst started. */
  readonly atMs: number;
  readonly replicas: number;
}

export type TimelinePhase =
  /** Not yet seen at 0 before the burst. */
  | "not-idle"
  /** Seen at 0, waiting for the scale-out. */
  | "idle"
  /** Reached at least the peak, waiting for the return to 0. */
  | "scaled-out"
  /** Back at 0 after the peak: the cycle is complete. */
  | "complete";

export interface TimelineVerdict {
  readonly phase: TimelinePhase;
  /** Highest replica count seen. */
  readonly peak: number;
  /** When the count first reached the peak threshold, ms after the burst started. */
  readonly scaledOutAtMs?: number;
  /** When it was back at 0 after that, ms after the burst started. */
  readonly scaledInAtMs?: number;
  /** One sentence: what happened, or what is still missing. */
  readonly summary: string;
}

/** Judge the samples so far: `minPeak` is the replica count the burst must reach (≥ 2). */
export function judgeTimeline(samples: readonly ReplicaSample[], minPeak: number): TimelineVerdict {
  if (!Number.isInteger(minPeak) || minPeak < 1)
    throw new Error(`minPeak must be a positive integer, got ${minPeak}`);
  let phase: TimelinePhase = "not-idle";
  let peak = 0;
  let scaledOutAtMs: number | undefined;
  let scaledInAtMs: number | undefined;
  for (const sample of samples) {
    peak = Math.max(peak, sample.replicas);
    if (phase === "not-idle" && sample.replicas === 0) phase = "idle";
    else if (phase === "idle" && sample.replicas >= minPeak) {
      phase = "scaled-out";
      scaledOutAtMs = sample.atMs;
    } else if (phase === "scaled-out" && sample.replicas === 0) {
      phase = "complete";
      scaledInAtMs = sample.atMs;
      break;
    }
  }
  const seconds = (ms: number | undefined): string => `${((ms ?? 0) / 1000).toFixed(0)} s`;
  const summary = {
    "not-idle": `the consumer was never seen at 0 replicas (peak ${peak})`,
    idle: `the consumer did not reach ${minPeak} replicas (peak ${peak})`,
    "scaled-out": `the consumer reached ${peak} replicas at ${seconds(scaledOutAtMs)} but did not return to 0`,
    complete: `0 -> ${peak} -> 0 replicas: out at ${seconds(scaledOutAtMs)}, back to 0 at ${seconds(scaledInAtMs)}`,
  }[phase];
  return {
    phase,
    peak,
    ...(scaledOutAtMs === undefined ? {} : { scaledOutAtMs }),
    ...(scaledInAtMs === undefined ? {} : { scaledInAtMs }),
    summary,
  };
}
