/**
 * Expected steady-state consumer replicas for a producer rate, from the environment's scaling
 * settings — what `npm run set-rate` states in its pull request.
 *
 * Two quantities meet at steady state:
 * - capacity: a replica works on `concurrency` messages at once, each taking `workTimeMs`, so it
 *   finishes `concurrency × 1000 / workTimeMs` messages per second; keeping up with `rate` needs
 *   `keepUp = ceil(rate × workTimeMs / (1000 × concurrency))` replicas (at least 1 while rate > 0:
 *   someone has to consume, and KEDA activates on any lag above `activationLagThreshold`).
 * - KEDA: the ScaledObject asks for `ceil(lag / lagThreshold)` replicas, lag = pending + ack pending.
 *   While the consumers keep up, lag ≈ messages in processing = `rate × workTimeMs / 1000`
 *   (Little's law), so KEDA alone would ask for `ceil(rate × work / (1000 × lagThreshold))`.
 * If KEDA's number is below `keepUp`, the queue grows until lag reaches about
 * `(keepUp − 1) × lagThreshold`, where KEDA asks for `keepUp`: the steady state is
 * `max(keepUp, kedaAtInFlightLag)` replicas, clamped to `[minReplicas, maxReplicas]`, with a
 * standing backlog of up to `keepUp × lagThreshold` messages. Above `maxReplicas` the queue grows
 * without bound.
 */

export interface ScalingInputs {
  /** Total producer rate in messages per second (RATE_PER_SECOND × producer replicas). */
  readonly ratePerSecond: number;
  /** WORK_TIME_MS of the consumer. */
  readonly workTimeMs: number;
  /** CONCURRENCY of one consumer replica. */
  readonly concurrency: number;
  /** KEDA lagThreshold: queue depth per replica the ScaledObject aims for. */
  readonly lagThreshold: number;
  /** ScaledObject minReplicaCount. @default 0 */
  readonly minReplicas?: number;
  /** ScaledObject maxReplicaCount. */
  readonly maxReplicas: number;
}

export interface ReplicaEstimate {
  /** Messages in processing at once while keeping up: rate × work seconds. */
  readonly inFlight: number;
  /** ceil(rate × work / (1000 × concurrency)), at least 1 while rate > 0. */
  readonly keepUpReplicas: number;
  /** ceil(inFlight / lagThreshold): KEDA's answer when the lag is just the in-flight work. */
  readonly kedaReplicasAtInFlightLag: number;
  /** max(keepUp, KEDA) clamped to [min, max]. */
  readonly expectedReplicas: number;
  /** Queue depth at which KEDA asks for `expectedReplicas` (upper end of the standing backlog). */
  readonly standingBacklogUpTo: number;
  /** Messages per second `maxReplicas` can process (Infinity when work time is 0). */
  readonly maxCapacityPerSecond: number;
  /** The rate exceeds what `maxReplicas` can process: the queue grows without bound. */
  readonly saturated: boolean;
}

function positive(name: string, value: number, allowZero: boolean): void {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    throw new Error(`${name} must be a finite number ${allowZero ? ">= 0" : "> 0"}, got ${value}`);
}

export function estimateReplicas(inputs: ScalingInputs): ReplicaEstimate {
  const minReplicas = inputs.minReplicas ?? 0;
  positive("ratePerSecond", inputs.ratePerSecond, true);
  positive("workTimeMs", inputs.workTimeMs, true);
  positive("concurrency", inputs.concurrency, false);
  positive("lagThreshold", inputs.lagThreshold, false);
  positive("maxReplicas", inputs.maxReplicas, false);
  if (minReplicas > inputs.maxReplicas)
    throw new Error(`minReplicas (${minReplicas}) must not exceed maxReplicas (${inputs.maxReplicas})`);

  const { ratePerSecond: rate, workTimeMs, concurrency, lagThreshold, maxReplicas } = inputs;
  const inFlight = (rate * workTimeMs) / 1000;
  // a tiny epsilon keeps float noise (e.g. 0.1 × 3 = 0.30000000000000004) from adding a replica
  const ceil = (x: number): number => Math.ceil(x - 1e-9);
  const keepUpReplicas = rate > 0 ? Math.max(1, ceil(inFlight / concurrency)) : 0;
  const kedaReplicasAtInFlightLag = ceil(inFlight / lagThreshold);
  const wanted = Math.max(keepUpReplicas, kedaReplicasAtInFlightLag);
  const expectedReplicas = Math.min(maxReplicas, Math.max(minReplicas, wanted));
  const maxCapacityPerSecond = workTimeMs === 0 ? Infinity : (maxReplicas * concurrency * 1000) / workTimeMs;
  return {
    inFlight,
    keepUpReplicas,
    kedaReplicasAtInFlightLag,
    expectedReplicas,
    standingBacklogUpTo: expectedReplicas * lagThreshold,
    maxCapacityPerSecond,
    saturated: rate > maxCapacityPerSecond,
  };
}
