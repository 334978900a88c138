/**
 * The consumer Deployment on this machine: a replica is a real consumer process. `scaleTo(n)`
 * starts processes or removes the ones the ReplicaSet controller would (pod-ranking.ts); removal
 * is SIGTERM, then SIGKILL once `terminationGracePeriodSeconds` have passed, as the kubelet does.
 * A replica is ready once its readiness probe path answers, probed every `probePeriodMs`. A pod
 * removed before its process was spawned is never spawned and leaves no exit.
 */
import { freePort } from "../../testkit/nats-server.js";
import type { AppChild, ChildExit } from "../app-child.js";
import { podsToDelete } from "./pod-ranking.js";

/**
 * The probe's own timeout: Kubernetes' default `timeoutSeconds` of 1 s (core/v1 Probe), real time
 * like the apps' timings. Not the sped-up period: at speed 30 a 333 ms budget failed every probe
 * of a busy consumer, which then never counted as ready.
 */
const PROBE_TIMEOUT_MS = 1_000;

export interface ConsumerPodsProps {
  /** Start the process of the pod named `name`, serving HTTP on `httpPort`. */
  readonly start: (name: string, httpPort: number) => AppChild;
  /** SIGKILL this long after SIGTERM (terminationGracePeriodSeconds, real time). */
  readonly graceMs: number;
  /** Readiness probe path and period. */
  readonly probePath: string;
  readonly probePeriodMs: number;
  /** Called when a pod's process has ended. */
  readonly onExit?: (exit: PodExit) => void;
}

/** One ended pod. */
export interface PodExit extends ChildExit {
  readonly name: string;
  /** Whether the scaler asked it to stop (scale-in or shutdown). */
  readonly terminated: boolean;
  /** Milliseconds from SIGTERM to exit (undefined when it ended on its own). */
  readonly stopMs: number | undefined;
  /** The grace period ran out and it was SIGKILLed. */
  readonly killed: boolean;
}

interface Pod {
  readonly name: string;
  readonly createdAtMs: number;
  readyAtMs: number | undefined;
  terminating: boolean;
  stopAtMs: number | undefined;
  killed: boolean;
  child: AppChild | undefined;
  probeTimer: NodeJS.Timeout | undefined;
  readonly ended: Promise<PodExit>;
}

export class ConsumerPods {
  private readonly pods = new Set<Pod>();
  private readonly exits: PodExit[] = [];
  private readonly everStarted: AppChild[] = [];
  private serial = 0;

  constructor(private readonly props: ConsumerPodsProps) {}

  /** Pods not terminating (Deployment status.replicas) and those of them ready. */
  get counts(): { readonly ready: number; readonly total: number } {
    const live = [...this.pods].filter((p) => !p.terminating);
    return { total: live.length, ready: live.filter((p) => p.readyAtMs !== undefined).length };
  }

  /** Every pod that has ended so far. */
  get ended(): readonly PodExit[] {
    return this.exits;
  }

  /** Every process started so far, running or not (for their logs). */
  get started(): readonly AppChild[] {
    return this.everStarted;
  }

  /** The running processes (for metrics). */
  get children(): readonly AppChild[] {
    return [...this.pods].flatMap((p) => (p.child !== undefined && !p.terminating ? [p.child] : []));
  }

  scaleTo(replicas: number): void {
    const live = [...this.pods].filter((p) => !p.terminating);
    for (let i = live.length; i < replicas; i++) this.add();
    for (const pod of podsToDelete(live, live.length - replicas, performance.now())) void this.terminate(pod);
  }

  /** Terminate every pod and wait for all exits. */
  async stopAll(): Promise<readonly PodExit[]> {
    const pods = [...this.pods];
    for (const pod of pods) void this.terminate(pod);
    await Promise.all(pods.map((p) => p.ended));
    return this.exits;
  }

  private add(): void {
    const name = `consumer-${++this.serial}`;
    let settle!: (exit: PodExit) => void;
    const pod: Pod = {
      name,
      createdAtMs: performance.now(),
      readyAtMs: undefined,
      terminating: false,
      stopAtMs: undefined,
      killed: false,
      child: undefined,
      probeTimer: undefined,
      ended: new Promise((resolve) => (settle = resolve)),
    };
    this.pods.add(pod);
    const end = (exit: ChildExit) => {
      clearTimeout(pod.probeTimer);
      this.pods.delete(pod);
      const record: PodExit = {
        name,
        ...exit,
        terminated: pod.terminating,
        stopMs: pod.stopAtMs === undefined ? undefined : performance.now() - pod.stopAtMs,
        killed: pod.killed,
      };
      this.exits.push(record);
      this.props.onExit?.(record);
      settle(record);
    };
    void freePort().then((port) => {
      // Deleted before its container started: like the kubelet, never start it (no process, no exit).
      if (pod.terminating) {
        this.pods.delete(pod);
        settle({ name, code: null, signal: null, terminated: true, stopMs: 0, killed: false });
        return;
      }
      const child = this.props.start(name, port);
      pod.child = child;
      this.everStarted.push(child);
      this.probe(pod);
      void child.exit.then(end);
    });
  }

  private probe(pod: Pod): void {
    pod.probeTimer = setTimeout(() => {
      void pod.child?.probe(this.props.probePath, PROBE_TIMEOUT_MS).then((ok) => {
        if (pod.terminating) return;
        if (ok && pod.readyAtMs === undefined) pod.readyAtMs = performance.now();
        if (!ok) pod.readyAtMs = undefined;
        this.probe(pod);
      });
    }, this.props.probePeriodMs);
  }

  private terminate(pod: Pod): Promise<PodExit> {
    if (pod.terminating) return pod.ended;
    pod.terminating = true;
    pod.stopAtMs = performance.now();
    clearTimeout(pod.probeTimer);
    pod.child?.signal("SIGTERM");
    const killTimer = setTimeout(() => {
      pod.killed = true;
      pod.child?.signal("SIGKILL");
    }, this.props.graceMs);
    void pod.ended.then(() => clearTimeout(killTimer));
    return pod.ended;
  }
}
