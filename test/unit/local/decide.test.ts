/**
 * The local scaler's decision function, rule by rule (KEDA 2.16 scale loop, Kubernetes 1.29 HPA):
 * activation versus scaling threshold, tolerance, each stabilization window, each policy type and
 * selectPolicy, policy periods, cooldown to zero from any N, fallback, bounds.
 */
import { describe, expect, it } from "vitest";
import { decide, initialState, type Observation, type ScalerState } from "../../../local/scaler/decide.js";
import type { ScalingRules, ScalingSpec } from "../../../local/scaler/scaling-spec.js";

const S = 1000;

/** A spec with no windows and no rate limits unless a test sets them. */
function spec(overrides: Partial<ScalingSpec> = {}, hpa: Partial<ScalingSpec["hpa"]> = {}): ScalingSpec {
  const free: ScalingRules = {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Max",
    policies: [{ type: "Pods", value: 100, periodSeconds: 15 }],
  };
  const base: ScalingSpec = {
    pollingIntervalSeconds: 15,
    cooldownPeriodSeconds: 300,
    minReplicaCount: 0,
    maxReplicaCount: 10,
    fallback: undefined,
    lagThreshold: 50,
    activationLagThreshold: 0,
    hpa: {
      syncPeriodSeconds: 15,
      tolerance: 0.1,
      minReplicas: 1,
      maxReplicas: 10,
      scaleUp: free,
      scaleDown: free,
    },
  };
  return { ...base, ...overrides, hpa: { ...base.hpa, ...hpa } };
}

const poll = (lag: number | undefined, statusReplicas = 0): Observation => ({
  kind: "poll",
  lag,
  statusReplicas,
});
const sync = (lag: number | undefined, statusReplicas: number): Observation => ({
  kind: "sync",
  lag,
  statusReplicas,
});
const at = (replicas: number, extra: Partial<ScalerState> = {}): ScalerState => ({
  ...initialState(replicas),
  ...extra,
});

describe("KEDA: activation", () => {
  it("activates from 0 to max(minReplicaCount, 1) only above activationLagThreshold", () => {
    const s = spec({ activationLagThreshold: 5 });
    expect(decide(s, at(0), poll(5), 0).decision).toMatchObject({ active: false, replicas: 0 });
    const up = decide(s, at(0), poll(6), 7 * S);
    expect(up.decision).toMatchObject({ active: true, replicas: 1, reason: "activation" });
    expect(up.state.lastActiveMs).toBe(7 * S);
    expect(decide(spec({ minReplicaCount: 2 }), at(0), poll(1), 0).decision.replicas).toBe(2);
  });

  it("activation and the scaling threshold are separate: a lag below lagThreshold still activates, and the HPA then asks for 1", () => {
    const s = spec();
    const woken = decide(s, at(0), poll(20), 0);
    expect(woken.decision.replicas).toBe(1);
    expect(decide(s, woken.state, sync(20, 1), 15 * S).decision).toMatchObject({ desired: 1, replicas: 1 });
  });

  it("above 0 an active poll only stamps lastActiveTime; the HPA does the scaling", () => {
    const step = decide(spec(), at(2), poll(1000, 2), 30 * S);
    expect(step.decision).toMatchObject({ replicas: 2, reason: "active" });
    expect(step.state.lastActiveMs).toBe(30 * S);
  });

  it("the HPA does nothing at 0 replicas (ScalingDisabled), whatever the lag", () => {
    expect(decide(spec(), at(0), sync(10_000, 0), 0).decision).toMatchObject({
      replicas: 0,
      reason: "scaling disabled at 0",
    });
  });
});

describe("KEDA: cooldown", () => {
  it("goes straight to minReplicaCount 0 from any N once cooldownPeriod has passed without activity", () => {
    const s = spec({ cooldownPeriodSeconds: 300 });
    const state = at(7, { lastActiveMs: 100 * S });
    expect(decide(s, state, poll(0, 7), 400 * S).decision).toMatchObject({
      replicas: 7,
      reason: "cooling down",
    });
    expect(decide(s, state, poll(0, 7), 400 * S + 1).decision).toMatchObject({
      replicas: 0,
      reason: "cooldown",
    });
  });

  it("never active since the start: scales to 0 at the first idle poll (lastActiveTime unset)", () => {
    expect(decide(spec(), at(1), poll(0, 1), 0).decision).toMatchObject({ replicas: 0, reason: "cooldown" });
  });

  it("keeps minReplicaCount when it is above 0, and raises a count below it", () => {
    const s = spec({ minReplicaCount: 2 }, { minReplicas: 2 });
    expect(decide(s, at(3), poll(0, 3), 10_000 * S).decision.replicas).toBe(3);
    expect(decide(s, at(1), poll(0, 1), 0).decision).toMatchObject({ replicas: 2, reason: "below min" });
  });
});

describe("HPA: AverageValue and tolerance", () => {
  it("desired = ceil(lag / lagThreshold) outside the 0.1 tolerance", () => {
    expect(decide(spec(), at(1), sync(151, 1), 0).decision).toMatchObject({ desired: 4, replicas: 4 });
  });

  it("within the 0.1 tolerance the status replicas stay, on both sides", () => {
    // 109 / (50 × 2) = 1.09: within; 1.12: outside, ceil(2.24) = 3.
    expect(decide(spec(), at(2), sync(109, 2), 0).decision).toMatchObject({
      desired: 2,
      replicas: 2,
      reason: "within tolerance",
    });
    expect(decide(spec(), at(2), sync(112, 2), 0).decision).toMatchObject({ desired: 3, replicas: 3 });
    // 455 / 500 = 0.91: within, 10 stay; 0.89: outside, ceil(8.9) = 9.
    expect(decide(spec(), at(10), sync(455, 10), 0).decision).toMatchObject({ desired: 10, replicas: 10 });
    expect(decide(spec(), at(10), sync(445, 10), 0).decision).toMatchObject({ desired: 9, replicas: 9 });
  });

  it("the usage ratio is taken over the status replicas, not spec.replicas", () => {
    // spec 3, but only 2 pods exist: 100 / (50 × 2) = 1.0, within tolerance: 2.
    expect(decide(spec(), at(3), sync(100, 2), 0).decision).toMatchObject({ desired: 2, replicas: 2 });
  });
});

describe("HPA: stabilization windows", () => {
  it("scale-down: the highest recommendation within the window wins", () => {
    const s = spec(
      {},
      {
        scaleDown: {
          stabilizationWindowSeconds: 300,
          selectPolicy: "Max",
          policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
        },
      },
    );
    let state = at(1);
    state = decide(s, state, sync(250, 1), 0).state; // recommends 5
    expect(state.replicas).toBe(5);
    const held = decide(s, state, sync(50, 5), 299 * S);
    expect(held.decision).toMatchObject({ desired: 1, replicas: 5, reason: "stabilization" });
    // The sample of t=0 leaves the window; the one of t=299 s (1) is all that is left.
    const after = decide(s, held.state, sync(50, 5), 301 * S);
    expect(after.decision).toMatchObject({ desired: 1, replicas: 1 });
  });

  it("scale-up: the lowest recommendation within the window wins", () => {
    const s = spec(
      {},
      {
        scaleUp: {
          stabilizationWindowSeconds: 60,
          selectPolicy: "Max",
          policies: [{ type: "Pods", value: 100, periodSeconds: 15 }],
        },
      },
    );
    let state = at(2);
    state = decide(s, state, sync(100, 2), 0).state; // recommends 2
    const held = decide(s, state, sync(400, 2), 30 * S);
    expect(held.decision).toMatchObject({ desired: 8, replicas: 2, reason: "stabilization" });
    const later = decide(s, held.state, sync(400, 2), 61 * S);
    expect(later.decision).toMatchObject({ desired: 8, replicas: 8 });
  });
});

describe("HPA: scaling policies", () => {
  const up = (policies: ScalingRules["policies"], selectPolicy: ScalingRules["selectPolicy"] = "Max") =>
    spec({}, { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy, policies } });
  const down = (policies: ScalingRules["policies"], selectPolicy: ScalingRules["selectPolicy"] = "Max") =>
    spec({}, { scaleDown: { stabilizationWindowSeconds: 0, selectPolicy, policies } });
  const both = [
    { type: "Percent", value: 100, periodSeconds: 15 },
    { type: "Pods", value: 4, periodSeconds: 15 },
  ] as const;

  it("Pods adds at most `value` per period", () => {
    expect(
      decide(up([{ type: "Pods", value: 1, periodSeconds: 60 }]), at(1), sync(500, 1), 0).decision,
    ).toMatchObject({
      desired: 10,
      replicas: 2,
      reason: "policy limit",
    });
  });

  it("Percent multiplies, rounded up on the way up", () => {
    expect(
      decide(up([{ type: "Percent", value: 50, periodSeconds: 60 }]), at(3), sync(500, 3), 0).decision
        .replicas,
    ).toBe(5);
  });

  it("selectPolicy Max takes the policy allowing the larger change, Min the smaller, Disabled none", () => {
    expect(decide(up(both, "Max"), at(2), sync(500, 2), 0).decision.replicas).toBe(6);
    expect(decide(up(both, "Min"), at(2), sync(500, 2), 0).decision.replicas).toBe(4);
    expect(decide(up(both, "Disabled"), at(2), sync(500, 2), 0).decision.replicas).toBe(2);
  });

  it("a policy counts the changes made within its period from the replicas at the period's start", () => {
    const s = up([{ type: "Pods", value: 2, periodSeconds: 60 }]);
    const first = decide(s, at(1), sync(500, 1), 0);
    expect(first.state.replicas).toBe(3);
    expect(decide(s, first.state, sync(500, 3), 30 * S).decision).toMatchObject({
      replicas: 3,
      reason: "policy limit",
    });
    expect(decide(s, first.state, sync(500, 3), 61 * S).decision.replicas).toBe(5);
  });

  it("on the way down Percent truncates and Pods subtracts; Max picks the larger drop, Min the smaller", () => {
    const policies = [
      { type: "Percent", value: 50, periodSeconds: 60 },
      { type: "Pods", value: 1, periodSeconds: 60 },
    ] as const;
    expect(decide(down([policies[0]]), at(3), sync(0, 3), 0).decision.replicas).toBe(1);
    expect(decide(down(policies, "Max"), at(8), sync(0, 8), 0).decision.replicas).toBe(4);
    expect(decide(down(policies, "Min"), at(8), sync(0, 8), 0).decision).toMatchObject({
      replicas: 7,
      reason: "policy limit",
    });
    expect(decide(down(policies, "Disabled"), at(8), sync(0, 8), 0).decision.replicas).toBe(8);
  });

  it("the dev manifests' rules (Percent 100 or Pods 4 per 15 s, Max): 1 → 5 → 10 in two syncs", () => {
    const s = up(both);
    const a = decide(s, at(1), sync(10_000, 1), 0);
    expect(a.state.replicas).toBe(5);
    expect(decide(s, a.state, sync(10_000, 5), 15 * S + 1).decision.replicas).toBe(10);
  });
});

describe("bounds", () => {
  it("the HPA never asks for more than maxReplicaCount, nor fewer than 1", () => {
    const s = spec({ maxReplicaCount: 3 }, { maxReplicas: 3 });
    expect(decide(s, at(1), sync(10_000, 1), 0).decision).toMatchObject({
      desired: 200,
      replicas: 3,
      reason: "bounds",
    });
    expect(decide(s, at(2), sync(0, 2), 0).decision).toMatchObject({
      desired: 0,
      replicas: 1,
      reason: "bounds",
    });
  });

  it("a count above maxReplicas goes straight to the bound", () => {
    const s = spec({ maxReplicaCount: 3 }, { maxReplicas: 3 });
    expect(decide(s, at(5), sync(0, 5), 0).decision).toMatchObject({ replicas: 3, reason: "above max" });
  });
});

describe("fallback", () => {
  const s = spec({ fallback: { failureThreshold: 3, replicas: 2 } });

  it("holds the count through failureThreshold failed reads, then the HPA computes fallback.replicas", () => {
    let state = at(5);
    for (let i = 1; i <= 3; i++) {
      const step = decide(s, state, sync(undefined, 5), i * 15 * S);
      expect(step.decision).toMatchObject({ replicas: 5, reason: "metric error" });
      state = step.state;
    }
    const fallback = decide(s, state, sync(undefined, 5), 60 * S);
    expect(fallback.decision).toMatchObject({ desired: 2, replicas: 2, reason: "fallback" });
    expect(decide(s, fallback.state, sync(undefined, 2), 75 * S).decision).toMatchObject({ replicas: 2 });
  });

  it("a good read resets the failure count", () => {
    let state = at(5);
    for (let i = 1; i <= 3; i++) state = decide(s, state, sync(undefined, 5), i * S).state;
    state = decide(s, state, sync(250, 5), 4 * S).state;
    expect(state.failures).toBe(0);
    expect(decide(s, state, sync(undefined, 5), 5 * S).decision.reason).toBe("metric error");
  });

  it("without a fallback, failed reads hold the count forever", () => {
    let state = at(4);
    for (let i = 1; i <= 10; i++) state = decide(spec(), state, sync(undefined, 4), i * S).state;
    expect(state.replicas).toBe(4);
  });

  it("KEDA does not scale to zero on failed reads, even long after the cooldown", () => {
    const step = decide(s, at(3, { lastActiveMs: 0 }), poll(undefined, 3), 10_000 * S);
    expect(step.decision).toMatchObject({ active: false, replicas: 3, reason: "metric error" });
  });
});
