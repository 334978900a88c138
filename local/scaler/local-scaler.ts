/**
 * The local scaler: KEDA's scale loop and the HPA's sync loop on one machine. Every
 * `pollingInterval / speed` it reads the lag and applies KEDA's poll; every `syncPeriod / speed`
 * it reads the lag again and applies the HPA's sync (decide.ts); each decision goes to
 * scaler.jsonl and to the Deployment (`ConsumerPods.scaleTo`). `status` is the live state, an
 * in-process object other modules read (the live view, a metrics exporter).
 */
import { decide, initialState, type Decision, type ScalerState, type ScalingReason } from "./decide.js";
import type { ConsumerPods } from "./consumer-pods.js";
import { Journal, type JournalLine } from "./journal.js";
import type { ScalingSpec } from "./scaling-spec.js";

export interface LocalScalerProps {
  readonly spec: ScalingSpec;
  /** Every controller interval is divided by this. @default 1 */
  readonly speed?: number;
  /** One lag read (rejects on failure). */
  readonly readLag: () => Promise<number>;
  readonly pods: ConsumerPods;
  /** Where scaler.jsonl goes. */
  readonly journalPath: string;
  /** Deployment spec.replicas before KEDA acts. */
  readonly initialReplicas: number;
  /** Called for every decision that changed the replica count. */
  readonly onScale?: (event: ScalingEvent) => void;
}

export interface ScalingEvent {
  /** Real seconds since the start. */
  readonly atSeconds: number;
  readonly from: number;
  readonly to: number;
  readonly reason: ScalingReason;
  readonly lag: number | undefined;
  readonly desired: number;
}

/** The scaler's live state. */
export interface ScalerStatus {
  readonly lag: number | undefined;
  readonly active: boolean;
  /** The HPA's last raw recommendation, or KEDA's target when KEDA last changed the count. */
  readonly desired: number;
  /** Deployment spec.replicas. */
  readonly replicas: number;
  readonly ready: number;
  readonly total: number;
  readonly peakReplicas: number;
  readonly decisions: number;
  readonly lastDecision: Decision | undefined;
}

export class LocalScaler {
  readonly journal: Journal;
  private state: ScalerState;
  private last: Decision | undefined;
  /** The HPA's last recommendation, or KEDA's target when KEDA last changed the count. */
  private desired: number;
  private peak: number;
  private count = 0;
  private startedAt = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(private readonly props: LocalScalerProps) {
    this.journal = new Journal(props.journalPath);
    this.state = initialState(props.initialReplicas);
    this.peak = props.initialReplicas;
    this.desired = props.initialReplicas;
  }

  get speed(): number {
    return this.props.speed ?? 1;
  }

  get status(): ScalerStatus {
    const { ready, total } = this.props.pods.counts;
    return {
      lag: this.last?.lag,
      active: this.last?.active ?? false,
      desired: this.desired,
      replicas: this.state.replicas,
      ready,
      total,
      peakReplicas: this.peak,
      decisions: this.count,
      lastDecision: this.last,
    };
  }

  /**
   * Start both loops; the first poll and the first sync run at once. The Deployment's pods are
   * started by the first decision's reconcile, so a Deployment KEDA takes to 0 at its first poll
   * never starts a process.
   */
  start(): void {
    this.startedAt = performance.now();
    const { spec } = this.props;
    this.loop("poll", (spec.pollingIntervalSeconds * 1000) / this.speed);
    this.loop("sync", (spec.hpa.syncPeriodSeconds * 1000) / this.speed);
  }

  /** Stop deciding (the pods stay as they are); resolves once the decision in progress is written. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    await this.chain;
  }

  private loop(kind: Decision["kind"], intervalMs: number): void {
    let n = 0;
    const tick = () => {
      if (this.stopped) return;
      this.chain = this.chain.then(() => this.step(kind));
      // Scheduled against the start, so the loop does not drift by the time a step takes.
      const next = this.startedAt + ++n * intervalMs - performance.now();
      this.timers.push(setTimeout(tick, Math.max(0, next)));
    };
    tick();
  }

  private async step(kind: Decision["kind"]): Promise<void> {
    if (this.stopped) return;
    let lag: number | undefined;
    let error: string | undefined;
    try {
      lag = await this.props.readLag();
    } catch (e) {
      error = (e as Error).message;
    }
    const { ready, total } = this.props.pods.counts;
    const tMs = performance.now() - this.startedAt;
    const tClusterMs = tMs * this.speed;
    const { state, decision } = decide(
      this.props.spec,
      this.state,
      { kind, lag, statusReplicas: total },
      tClusterMs,
    );
    this.state = state;
    this.last = decision;
    this.count++;
    if (kind === "sync" || decision.replicas !== decision.current) this.desired = decision.desired;
    const line: JournalLine = {
      t_ms: tMs,
      t_cluster_ms: tClusterMs,
      kind,
      lag: lag ?? null,
      ...(error === undefined ? {} : { error }),
      status_replicas: total,
      ready,
      active: decision.active,
      current: decision.current,
      desired: decision.desired,
      replicas: decision.replicas,
      reason: decision.reason,
    };
    this.journal.append(line);
    // Reconciled at every decision, as the ReplicaSet controller does: a pod that died is replaced.
    this.props.pods.scaleTo(decision.replicas);
    if (decision.replicas !== decision.current) {
      this.peak = Math.max(this.peak, decision.replicas);
      this.props.onScale?.({
        atSeconds: tMs / 1000,
        from: decision.current,
        to: decision.replicas,
        reason: decision.reason,
        lag,
        desired: decision.desired,
      });
    }
  }
}
