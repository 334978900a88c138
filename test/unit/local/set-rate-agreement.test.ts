/**
 * `set-rate`'s replica prediction (cdk8s/config-edits/expected-replicas.ts) and the scaler agree: at a
 * steady rate, the decision function driven by a simulated queue settles on the predicted count
 * (±1) at least 90 % of the time, with the median within ±1. The queue: messages arrive at the rate, each ready replica processes CONCURRENCY at once
 * taking WORK_TIME_MS each, lag = waiting + in processing; a new replica is ready 2 s after it is
 * asked for. Rules and app settings come from dist-manifests/dev/, polls and syncs at their
 * intervals, 30 simulated minutes per rate.
 */
import { describe, expect, it } from "vitest";
import { estimateReplicas } from "../../../cdk8s/config-edits/expected-replicas.js";
import { decide, initialState } from "../../../local/scaler/decide.js";
import { readConsumerManifests } from "../../../local/scaler/manifest-spec.js";

const { scaling, pod } = readConsumerManifests("dev");
const workTimeMs = Number(pod.env.WORK_TIME_MS);
const concurrency = Number(pod.env.CONCURRENCY);
const STEP_MS = 100;
const READY_AFTER_MS = 2_000;

/** Replica counts of the last 10 of 30 simulated minutes at `rate`. */
function simulate(rate: number): number[] {
  let state = initialState(0);
  let waiting = 0;
  const readyAt: number[] = []; // one entry per replica: when it is ready
  const tail: number[] = [];
  const end = 30 * 60_000;
  const pollEvery = scaling.pollingIntervalSeconds * 1000;
  const syncEvery = scaling.hpa.syncPeriodSeconds * 1000;
  for (let t = 0; t <= end; t += STEP_MS) {
    const ready = readyAt.filter((at) => at <= t).length;
    const capacity = ready * concurrency; // messages in processing at once
    waiting += (rate * STEP_MS) / 1000;
    const inProcessing = Math.min(capacity, (rate * workTimeMs) / 1000 + waiting);
    waiting = Math.max(0, waiting - (capacity * 1000 * STEP_MS) / workTimeMs / 1000);
    const lag = Math.round(waiting + inProcessing);
    for (const kind of ["poll", "sync"] as const) {
      if (t % (kind === "poll" ? pollEvery : syncEvery) !== 0) continue;
      state = decide(scaling, state, { kind, lag, statusReplicas: readyAt.length }, t).state;
      while (readyAt.length < state.replicas) readyAt.push(t + READY_AFTER_MS);
      // Scale-in removes the not-ready (latest) first.
      readyAt.sort((a, b) => a - b).splice(state.replicas);
    }
    if (t >= end - 10 * 60_000) tail.push(state.replicas);
  }
  return tail;
}

describe("set-rate prediction vs the scaler at a steady rate (dev)", () => {
  for (const rate of [2, 15, 30, 50]) {
    it(`${rate} msg/s`, () => {
      const { expectedReplicas } = estimateReplicas({
        ratePerSecond: rate,
        workTimeMs,
        concurrency,
        lagThreshold: scaling.lagThreshold,
        maxReplicas: scaling.maxReplicaCount,
      });
      const counts = simulate(rate);
      const seen = [...new Set(counts)]
        .sort()
        .map((n) => `${n}: ${((100 * counts.filter((c) => c === n).length) / counts.length).toFixed(1)} %`);
      console.log(
        `[set-rate agreement] ${rate} msg/s: predicted ${expectedReplicas}, scaler in the last 10 min ${seen.join("/")}`,
      );
      const near = counts.filter((n) => Math.abs(n - expectedReplicas) <= 1).length / counts.length;
      const median = [...counts].sort((a, b) => a - b)[Math.floor(counts.length / 2)]!;
      expect(Math.abs(median - expectedReplicas)).toBeLessThanOrEqual(1);
      // Most of the time, not always: each time the scale-down window (60 s) lets go, the 50 %
      // policy drops 3 → 1 for a sync or two and the backlog brings it back, which the
      // prediction does not model.
      expect(near).toBeGreaterThanOrEqual(0.9);
      // Never at 0 while messages keep coming.
      expect(Math.min(...counts)).toBeGreaterThan(0);
    });
  }
});
