/**
 * A producer rate as a pure function of time, and its integral: `rateAt(t)` messages per second,
 * `cumulativeAt(t)` messages due by `t`, and `dueTime(k)`, the exact time message `k` (0-based) is
 * due — the first `t` at which more than `k` messages are due. The scheduler only ever asks
 * `dueTime(k)`, so a schedule never drifts, whatever the rate and however long it runs.
 *
 * A profile is a list of segments; a profile whose segments have a finite total length repeats
 * (cycle), otherwise its last segment lasts forever.
 */

/** Rate changing linearly from `from` to `to` over `duration` seconds (a constant when equal). */
export interface LinearSegment {
  readonly kind: "linear";
  /** Seconds; `Infinity` only for the last segment (then `to` must equal `from`). */
  readonly duration: number;
  readonly from: number;
  readonly to: number;
}

/** `mean + amplitude·sin(2πτ/period)` over `duration` seconds; `amplitude <= mean`. */
export interface SineSegment {
  readonly kind: "sine";
  readonly duration: number;
  readonly mean: number;
  readonly amplitude: number;
  readonly period: number;
}

export type Segment = LinearSegment | SineSegment;

export interface RateProfile {
  /** As written (for logs), e.g. `steps:10@30s,100@60s`. */
  readonly description: string;
  readonly segments: readonly Segment[];
}

/** A profile of one constant rate. */
export function constantProfile(rate: number, description = `constant:${rate}`): RateProfile {
  return { description, segments: [{ kind: "linear", duration: Infinity, from: rate, to: rate }] };
}

function segmentRate(s: Segment, tau: number): number {
  if (s.kind === "linear") {
    return s.duration === Infinity ? s.from : s.from + ((s.to - s.from) * tau) / s.duration;
  }
  return s.mean + s.amplitude * Math.sin((2 * Math.PI * tau) / s.period);
}

function segmentCount(s: Segment, tau: number): number {
  if (s.kind === "linear") {
    if (s.duration === Infinity) return tau === Infinity ? (s.from > 0 ? Infinity : 0) : s.from * tau;
    const slope = (s.to - s.from) / s.duration;
    return s.from * tau + (slope * tau * tau) / 2;
  }
  const w = (2 * Math.PI) / s.period;
  return s.mean * tau + (s.amplitude / w) * (1 - Math.cos(w * tau));
}

/** Smallest τ in the segment with count(τ) >= c, for 0 <= c < count(duration). */
function segmentInverse(s: Segment, c: number): number {
  if (c <= 0) return 0;
  if (s.kind === "linear") {
    const slope = s.duration === Infinity ? 0 : (s.to - s.from) / s.duration;
    // Root of slope/2·τ² + from·τ − c = 0, in the form that is stable for slope → 0.
    const tau = (2 * c) / (s.from + Math.sqrt(Math.max(0, s.from * s.from + 2 * slope * c)));
    return Math.min(tau, s.duration);
  }
  // Sine: count is non-decreasing; Newton steps kept inside a shrinking bisection bracket.
  let lo = 0;
  let hi = s.duration;
  let tau = c / s.mean;
  for (let i = 0; i < 100; i++) {
    if (!(tau > lo && tau < hi)) tau = (lo + hi) / 2;
    const f = segmentCount(s, tau) - c;
    if (f >= 0) hi = tau;
    else lo = tau;
    if (hi - lo <= 1e-12 * Math.max(1, hi)) break;
    const r = segmentRate(s, tau);
    tau = r > 0 ? tau - f / r : (lo + hi) / 2;
  }
  return hi;
}

function cycleDuration(p: RateProfile): number {
  return p.segments.reduce((sum, s) => sum + s.duration, 0);
}

/** Messages due per cycle (Infinity for a non-repeating profile). */
function cycleCount(p: RateProfile): number {
  return p.segments.reduce((sum, s) => sum + segmentCount(s, s.duration), 0);
}

function locate(p: RateProfile, t: number): { index: number; tau: number; before: number; cycles: number } {
  const total = cycleDuration(p);
  let cycles = 0;
  let rest = t;
  if (Number.isFinite(total)) {
    cycles = Math.floor(t / total);
    rest = t - cycles * total;
  }
  let before = 0;
  for (let i = 0; i < p.segments.length; i++) {
    const s = p.segments[i]!;
    if (rest < s.duration || i === p.segments.length - 1)
      return { index: i, tau: Math.min(rest, s.duration), before, cycles };
    rest -= s.duration;
    before += segmentCount(s, s.duration);
  }
  throw new Error("profile has no segments");
}

/** Target rate at `t` seconds after start. */
export function rateAt(p: RateProfile, t: number): number {
  const { index, tau } = locate(p, Math.max(0, t));
  return segmentRate(p.segments[index]!, tau);
}

/** Messages due in [0, t]. */
export function cumulativeAt(p: RateProfile, t: number): number {
  if (t <= 0) return 0;
  const { index, tau, before, cycles } = locate(p, t);
  const perCycle = cycles > 0 ? cycles * cycleCount(p) : 0;
  return perCycle + before + segmentCount(p.segments[index]!, tau);
}

/**
 * Seconds after start at which message `k` (0-based) is due: the first time more than `k`
 * messages are due. `Infinity` when it never is (a rate of 0 from some point on).
 */
export function dueTime(p: RateProfile, k: number): number {
  const total = cycleDuration(p);
  let offset = 0;
  let c = k;
  if (Number.isFinite(total)) {
    const perCycle = cycleCount(p);
    if (!(perCycle > 0)) return Infinity;
    const cycles = Math.floor(k / perCycle);
    offset = cycles * total;
    c = Math.max(0, k - cycles * perCycle);
  }
  let before = 0;
  let start = 0;
  for (const s of p.segments) {
    const n = segmentCount(s, s.duration);
    if (c < before + n) return offset + start + segmentInverse(s, c - before);
    before += n;
    start += s.duration;
  }
  return Number.isFinite(total) ? offset + total : Infinity;
}
