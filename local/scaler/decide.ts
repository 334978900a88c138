/**
 * The scaling decision as a pure function of (spec, state, observation, time): what KEDA 2.16's
 * scale loop does on a poll, and what the Kubernetes 1.29 HPA controller does on a sync, for one
 * ScaledObject with one nats-jetstream trigger. No clock, no I/O: the local scaler feeds it real
 * observations, the unit tests feed it made-up ones, and a run's scaler.jsonl replays through it.
 *
 * Sources (read for this, cited per rule below):
 * - KEDA: kedacore/keda@v2.16.0 pkg/scaling/executor/scale_scaledobjects.go (RequestScale,
 *   scaleToZeroOrIdle, scaleFromZeroOrIdle), pkg/fallback/fallback.go (GetMetricsWithFallback,
 *   doFallback), pkg/scalers/nats_jetstream_scaler.go (GetMetricsAndActivity);
 *   https://keda.sh/docs/2.16/concepts/scaling-deployments/
 * - HPA: kubernetes/kubernetes@v1.29.0 pkg/controller/podautoscaler/horizontal.go
 *   (reconcileAutoscaler, normalizeDesiredReplicasWithBehaviors, stabilizeRecommendationWithBehaviors,
 *   convertDesiredReplicasWithBehaviorRate, calculateScaleUpLimitWithScalingRules,
 *   calculateScaleDownLimitWithBehaviors, getReplicasChangePerPeriod, storeScaleEvent) and
 *   replica_calculator.go (GetExternalPerPodMetricReplicas);
 *   https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
import type { ScalingRules, ScalingSpec } from "./scaling-spec.js";

/** What the controllers remember between calls. Times are cluster milliseconds. */
export interface ScalerState {
  /** The Deployment's `spec.replicas`, as KEDA and the HPA last set it. */
  readonly replicas: number;
  /** KEDA `status.lastActiveTime`; undefined until the trigger was first active. */
  readonly lastActiveMs: number | undefined;
  /** KEDA fallback `NumberOfFailures` of the trigger's metric (consecutive failed reads). */
  readonly failures: number;
  /** HPA: unstabilized recommendations of past syncs. */
  readonly recommendations: readonly { readonly atMs: number; readonly replicas: number }[];
  /** HPA: replicas added (up) and removed (down) by its own past rescales. */
  readonly scaleUpEvents: readonly ScaleEvent[];
  readonly scaleDownEvents: readonly ScaleEvent[];
}

export interface ScaleEvent {
  readonly atMs: number;
  readonly change: number;
}

/**
 * One reading: `poll` is KEDA's scale loop (every pollingInterval), `sync` the HPA's (every sync
 * period), which reads the same metric through KEDA's metrics adapter.
 */
export interface Observation {
  readonly kind: "poll" | "sync";
  /** num_pending + num_ack_pending (or the stream's last sequence); undefined: the read failed. */
  readonly lag: number | undefined;
  /** Pods that exist and are not terminating (Deployment `status.replicas`). */
  readonly statusReplicas: number;
}

export type ScalingReason =
  | "activation"
  | "active"
  | "cooldown"
  | "cooling down"
  | "idle"
  | "below min"
  | "scaling disabled at 0"
  | "above max"
  | "hpa recommendation"
  | "within tolerance"
  | "stabilization"
  | "policy limit"
  | "bounds"
  | "fallback"
  | "metric error";

export interface Decision {
  readonly kind: Observation["kind"];
  readonly lag: number | undefined;
  /** lag > activationLagThreshold (false when the read failed). */
  readonly active: boolean;
  /** spec.replicas before this decision. */
  readonly current: number;
  /** What the rule asked for before limits: the HPA's raw recommendation, or KEDA's target. */
  readonly desired: number;
  /** spec.replicas after this decision. */
  readonly replicas: number;
  readonly reason: ScalingReason;
}

export function initialState(replicas: number): ScalerState {
  return {
    replicas,
    lastActiveMs: undefined,
    failures: 0,
    recommendations: [],
    scaleUpEvents: [],
    scaleDownEvents: [],
  };
}

/** Apply one observation at cluster time `nowMs`. */
export function decide(
  spec: ScalingSpec,
  state: ScalerState,
  observation: Observation,
  nowMs: number,
): { readonly state: ScalerState; readonly decision: Decision } {
  return observation.kind === "poll"
    ? kedaPoll(spec, state, observation, nowMs)
    : hpaSync(spec, state, observation, nowMs);
}

type Step = { readonly state: ScalerState; readonly decision: Decision };

/** KEDA RequestScale, the part that acts without the HPA: 0 ↔ N and the lower bound. */
function kedaPoll(spec: ScalingSpec, state: ScalerState, observation: Observation, nowMs: number): Step {
  const { lag } = observation;
  const isError = lag === undefined;
  // nats_jetstream_scaler.go GetMetricsAndActivity: active is `totalLag > activationLagThreshold`.
  const active = !isError && lag > spec.activationLagThreshold;
  const current = state.replicas;
  const result = (replicas: number, reason: ScalingReason, next: Partial<ScalerState> = {}): Step => ({
    state: { ...state, ...next, replicas },
    decision: { kind: "poll", lag, active, current, desired: replicas, replicas, reason },
  });
  if (active) {
    // RequestScale, isActive: at 0 replicas scaleFromZeroOrIdle sets minReplicaCount, or 1 when that
    // is 0, and stamps lastActiveTime; above 0 it only stamps lastActiveTime (the HPA scales).
    if (current === 0)
      return result(Math.max(spec.minReplicaCount, 1), "activation", { lastActiveMs: nowMs });
    return result(current, "active", { lastActiveMs: nowMs });
  }
  // RequestScale, not active and an error with a fallback: KEDA does nothing itself; the HPA reads
  // the fallback metric (fallback.go). Without a fallback it only marks the ScaledObject not ready.
  if (isError) return result(current, "metric error");
  // Not active, no error, minReplicaCount 0 and replicas above it: scaleToZeroOrIdle, which scales
  // straight to 0 from any N once lastActiveTime + cooldownPeriod has passed (or lastActiveTime was
  // never set), otherwise "ScaleTarget cooling down".
  if (current > 0 && spec.minReplicaCount === 0) {
    const cooledDown =
      state.lastActiveMs === undefined || state.lastActiveMs + spec.cooldownPeriodSeconds * 1000 < nowMs;
    return cooledDown ? result(0, "cooldown") : result(current, "cooling down");
  }
  // Not active and below minReplicaCount: scaled up to minReplicaCount.
  if (current < spec.minReplicaCount) return result(spec.minReplicaCount, "below min");
  return result(current, "idle");
}

/** The HPA's reconcileAutoscaler for the one external metric KEDA serves. */
function hpaSync(spec: ScalingSpec, state: ScalerState, observation: Observation, nowMs: number): Step {
  const { hpa } = spec;
  const { lag, statusReplicas } = observation;
  const active = lag !== undefined && lag > spec.activationLagThreshold;
  const current = state.replicas;
  const unchanged = (reason: ScalingReason, next: Partial<ScalerState> = {}, desired = current): Step => ({
    state: { ...state, ...next },
    decision: { kind: "sync", lag, active, current, desired, replicas: current, reason },
  });
  // reconcileAutoscaler: spec.replicas 0 with minReplicas ≠ 0 is "ScalingDisabled"; no metric read.
  if (current === 0) return unchanged("scaling disabled at 0", {}, 0);
  // Outside [minReplicas, maxReplicas]: straight to the bound, no metric read.
  if (current > hpa.maxReplicas)
    return rescale(spec, state, observation, nowMs, hpa.maxReplicas, hpa.maxReplicas, "above max");
  if (current < hpa.minReplicas)
    return rescale(spec, state, observation, nowMs, hpa.minReplicas, hpa.minReplicas, "below min");

  // The metric, through KEDA's fallback (fallback.go GetMetricsWithFallback): a good read resets
  // NumberOfFailures; a failed one increments it, and once it is above failureThreshold the metric
  // becomes fallback.replicas × the AverageValue target, so the HPA computes fallback.replicas.
  let metric: number;
  let failures = 0;
  let viaFallback = false;
  if (lag === undefined) {
    failures = state.failures + 1;
    if (
      spec.fallback === undefined ||
      spec.fallback.replicas === 0 ||
      failures <= spec.fallback.failureThreshold
    )
      // computeReplicasForMetrics failed: the HPA records the error and keeps the current scale.
      return unchanged("metric error", { failures });
    metric = spec.fallback.replicas * spec.lagThreshold;
    viaFallback = true;
  } else {
    metric = lag;
  }

  // replica_calculator.go GetExternalPerPodMetricReplicas: usageRatio = usage / (target × status
  // replicas); outside the tolerance, ceil(usage / target), else the status replicas as they are.
  const usageRatio = metric / (spec.lagThreshold * statusReplicas);
  const withinTolerance = !(Math.abs(1 - usageRatio) > hpa.tolerance);
  const raw = withinTolerance ? statusReplicas : Math.ceil(metric / spec.lagThreshold);

  const stabilized = stabilize(hpa, state, current, raw, nowMs);
  const limited = limitRate(hpa, state, current, stabilized.recommendation, nowMs);
  const reason: ScalingReason = viaFallback
    ? "fallback"
    : limited.limit !== undefined
      ? limited.limit
      : stabilized.recommendation !== raw
        ? "stabilization"
        : withinTolerance && raw === current
          ? "within tolerance"
          : "hpa recommendation";
  return rescale(
    spec,
    { ...state, failures, recommendations: stabilized.recommendations },
    observation,
    nowMs,
    limited.replicas,
    raw,
    reason,
  );
}

/** Set spec.replicas and, when it changed, record the HPA scale event (storeScaleEvent). */
function rescale(
  spec: ScalingSpec,
  state: ScalerState,
  observation: Observation,
  nowMs: number,
  replicas: number,
  desired: number,
  reason: ScalingReason,
): Step {
  const current = state.replicas;
  const { lag } = observation;
  const active = lag !== undefined && lag > spec.activationLagThreshold;
  // storeScaleEvent keeps events within the longest policy period of their direction.
  const keep = (events: readonly ScaleEvent[], rules: ScalingRules) => {
    const longest = Math.max(0, ...rules.policies.map((p) => p.periodSeconds)) * 1000;
    return events.filter((e) => e.atMs > nowMs - longest);
  };
  const change = replicas - current;
  const next: ScalerState = {
    ...state,
    replicas,
    scaleUpEvents:
      change > 0
        ? [...keep(state.scaleUpEvents, spec.hpa.scaleUp), { atMs: nowMs, change }]
        : state.scaleUpEvents,
    scaleDownEvents:
      change < 0
        ? [...keep(state.scaleDownEvents, spec.hpa.scaleDown), { atMs: nowMs, change: -change }]
        : state.scaleDownEvents,
  };
  return { state: next, decision: { kind: "sync", lag, active, current, desired, replicas, reason } };
}

/**
 * stabilizeRecommendationWithBehaviors: the lowest recommendation within the scale-up window caps
 * how far up, the highest within the scale-down window how far down; the result is the current
 * count brought into [upRecommendation, downRecommendation]. The raw recommendation is recorded,
 * replacing one older than both windows when there is one.
 */
function stabilize(
  hpa: ScalingSpec["hpa"],
  state: ScalerState,
  current: number,
  raw: number,
  nowMs: number,
): { recommendation: number; recommendations: ScalerState["recommendations"] } {
  const upCutoff = nowMs - hpa.scaleUp.stabilizationWindowSeconds * 1000;
  const downCutoff = nowMs - hpa.scaleDown.stabilizationWindowSeconds * 1000;
  let up = raw;
  let down = raw;
  let oldIndex = -1;
  state.recommendations.forEach((rec, i) => {
    if (rec.atMs > upCutoff) up = Math.min(up, rec.replicas);
    if (rec.atMs > downCutoff) down = Math.max(down, rec.replicas);
    if (rec.atMs < upCutoff && rec.atMs < downCutoff) oldIndex = i;
  });
  let recommendation = current;
  if (recommendation < up) recommendation = up;
  if (recommendation > down) recommendation = down;
  const record = { atMs: nowMs, replicas: raw };
  const recommendations =
    oldIndex >= 0
      ? state.recommendations.map((rec, i) => (i === oldIndex ? record : rec))
      : [...state.recommendations, record];
  return { recommendation, recommendations };
}

/** getReplicasChangePerPeriod: replicas changed by events within the last `periodSeconds`. */
function changedInPeriod(events: readonly ScaleEvent[], periodSeconds: number, nowMs: number): number {
  const cutoff = nowMs - periodSeconds * 1000;
  return events.reduce((sum, e) => (e.atMs > cutoff ? sum + e.change : sum), 0);
}

/**
 * convertDesiredReplicasWithBehaviorRate: the scaling policies limit the change per period,
 * counted from the replicas at the start of each policy's period; `selectPolicy` Max takes the
 * policy allowing the largest change, Min the smallest, Disabled none. The bounds apply last.
 */
function limitRate(
  hpa: ScalingSpec["hpa"],
  state: ScalerState,
  current: number,
  desired: number,
  nowMs: number,
): { replicas: number; limit: "policy limit" | "bounds" | undefined } {
  const periodStart = (periodSeconds: number) =>
    current -
    changedInPeriod(state.scaleUpEvents, periodSeconds, nowMs) +
    changedInPeriod(state.scaleDownEvents, periodSeconds, nowMs);
  if (desired > current) {
    const rules = hpa.scaleUp;
    let limit: number;
    if (rules.selectPolicy === "Disabled") limit = current;
    else {
      // calculateScaleUpLimitWithScalingRules: Pods adds value, Percent multiplies (rounded up).
      const proposals = rules.policies.map((p) => {
        const start = periodStart(p.periodSeconds);
        return p.type === "Pods" ? start + p.value : Math.ceil(start * (1 + p.value / 100));
      });
      limit = rules.selectPolicy === "Min" ? Math.min(...proposals) : Math.max(...proposals);
    }
    if (limit < current) limit = current;
    const maxAllowed = Math.min(hpa.maxReplicas, limit);
    if (desired > maxAllowed)
      return { replicas: maxAllowed, limit: hpa.maxReplicas > limit ? "policy limit" : "bounds" };
  } else if (desired < current) {
    const rules = hpa.scaleDown;
    let limit: number;
    if (rules.selectPolicy === "Disabled") limit = current;
    else {
      // calculateScaleDownLimitWithBehaviors: Pods subtracts value, Percent multiplies (truncated).
      const proposals = rules.policies.map((p) => {
        const start = periodStart(p.periodSeconds);
        return p.type === "Pods" ? start - p.value : Math.trunc(start * (1 - p.value / 100));
      });
      limit = rules.selectPolicy === "Min" ? Math.max(...proposals) : Math.min(...proposals);
    }
    if (limit > current) limit = current;
    const minAllowed = Math.max(hpa.minReplicas, limit);
    if (desired < minAllowed)
      return { replicas: minAllowed, limit: hpa.minReplicas < limit ? "policy limit" : "bounds" };
  }
  return { replicas: desired, limit: undefined };
}
