/**
 * scaler.jsonl: one JSON line per decision, written as it is made. Each line holds the observation
 * (kind, lag, status replicas, cluster time) and the decision, so `replayJournal` can feed the
 * observations through `decide` again and compare.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { decide, initialState, type Decision, type Observation } from "./decide.js";
import type { ScalingSpec } from "./scaling-spec.js";

export interface JournalLine {
  /** Real milliseconds since the scaler started. */
  readonly t_ms: number;
  /** `t_ms` × speed: the time the controllers' intervals are measured in. */
  readonly t_cluster_ms: number;
  readonly kind: Observation["kind"];
  /** null: the read failed (`error` says why). */
  readonly lag: number | null;
  readonly error?: string;
  readonly status_replicas: number;
  readonly ready: number;
  readonly active: boolean;
  readonly current: number;
  readonly desired: number;
  readonly replicas: number;
  readonly reason: Decision["reason"];
}

export class Journal {
  constructor(readonly path: string) {}

  append(line: JournalLine): void {
    appendFileSync(this.path, `${JSON.stringify(line)}\n`);
  }

  static read(path: string): JournalLine[] {
    return readFileSync(path, "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as JournalLine);
  }
}

/** A line whose replayed decision differs from the recorded one. */
export interface ReplayMismatch {
  readonly index: number;
  readonly recorded: Pick<JournalLine, "active" | "current" | "desired" | "replicas" | "reason">;
  readonly replayed: Pick<Decision, "active" | "current" | "desired" | "replicas" | "reason">;
}

/** Replay every observation from the first line's replicas; returns the mismatches (none: reproduced). */
export function replayJournal(spec: ScalingSpec, lines: readonly JournalLine[]): ReplayMismatch[] {
  let state = initialState(lines[0]?.current ?? 0);
  const mismatches: ReplayMismatch[] = [];
  lines.forEach((line, index) => {
    const observation: Observation = {
      kind: line.kind,
      lag: line.lag ?? undefined,
      statusReplicas: line.status_replicas,
    };
    const step = decide(spec, state, observation, line.t_cluster_ms);
    state = step.state;
    const { active, current, desired, replicas, reason } = step.decision;
    const replayed = { active, current, desired, replicas, reason };
    const recorded = {
      active: line.active,
      current: line.current,
      desired: line.desired,
      replicas: line.replicas,
      reason: line.reason,
    };
    if (JSON.stringify(replayed) !== JSON.stringify(recorded)) mismatches.push({ index, recorded, replayed });
  });
  return mismatches;
}
