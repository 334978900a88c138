/** The pull request text `npm run set-rate` writes: old and new rate, and what KEDA should do. */
import type { ReplicaEstimate, ScalingInputs } from "./expected-replicas.js";

export interface RatePullRequestProps {
  readonly env: string;
  readonly oldRate: number;
  readonly newRate: number;
  readonly producerReplicas: number;
  readonly scaling: Required<ScalingInputs>;
  readonly estimate: ReplicaEstimate;
  /** Where the work time came from (config or default). */
  readonly workTimeSource: string;
  /** The data file the rate lives in, as the repository names it. */
  readonly changedFile: string;
  /** Whether the manifests were re-synthesized. */
  readonly synthesized: boolean;
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6))));

export function ratePullRequestTitle(env: string, oldRate: number, newRate: number): string {
  return `Set producer rate in ${env}: ${fmt(oldRate)} -> ${fmt(newRate)} msg/s`;
}

export function ratePullRequestBody(props: RatePullRequestProps): string {
  const { scaling: s, estimate: e } = props;
  const lines = [
    `Producer rate in **${props.env}**: **${fmt(props.oldRate)} → ${fmt(props.newRate)}** messages/s per producer replica` +
      ` (${props.producerReplicas} replica${props.producerReplicas === 1 ? "" : "s"}: ${fmt(s.ratePerSecond)} msg/s in total).`,
    "",
    `Changed: \`PRODUCER_RATE_PER_SECOND\` in \`${props.changedFile}\`` +
      (props.synthesized
        ? ", and the re-synthesized manifests (ConfigMap `producer-config` key `RATE_PER_SECOND`, producer config checksum)."
        : " (manifests not re-synthesized: run `npm run synth`)."),
    "",
    "### Expected consumer scaling (steady state)",
    "",
    "| input | value |",
    "| --- | --- |",
    `| total rate | ${fmt(s.ratePerSecond)} msg/s |`,
    `| work time per message (WORK_TIME_MS) | ${fmt(s.workTimeMs)} ms (${props.workTimeSource}) |`,
    `| CONCURRENCY per replica | ${s.concurrency} |`,
    `| KEDA lagThreshold | ${s.lagThreshold} |`,
    `| replicas min..max | ${s.minReplicas}..${s.maxReplicas} |`,
    "",
    `- Replicas needed to keep up: ceil(rate × work / (1000 ms × CONCURRENCY)) = ceil(${fmt(s.ratePerSecond)} × ${fmt(s.workTimeMs)} / (1000 × ${s.concurrency})) = **${e.keepUpReplicas}**` +
      (s.ratePerSecond > 0
        ? " (at least 1 while the rate is above 0)."
        : " (rate 0: the producer is paused)."),
    `- KEDA's target is lag / lagThreshold; while keeping up, lag ≈ messages in processing = rate × work = ${fmt(e.inFlight)}, so KEDA alone asks for ceil(${fmt(e.inFlight)} / ${s.lagThreshold}) = **${e.kedaReplicasAtInFlightLag}**.`,
    `- When KEDA's number is lower, the backlog grows until lag reaches about (replicas − 1) × lagThreshold and KEDA asks for enough replicas; steady state = max of both, clamped to [${s.minReplicas}, ${s.maxReplicas}]:`,
    "",
    `**Expected steady-state consumer replicas: ${e.expectedReplicas}** (standing backlog up to ~${e.standingBacklogUpTo} messages).`,
  ];
  if (props.newRate === 0)
    lines.push("", "Rate 0 pauses the producer: the consumer scales to zero after KEDA's cooldown period.");
  if (e.saturated)
    lines.push(
      "",
      `> **Warning:** ${s.maxReplicas} replicas process at most ${fmt(e.maxCapacityPerSecond)} msg/s, below the new rate: the queue will grow without bound. Raise maxReplicas or CONCURRENCY first.`,
    );
  lines.push("", "_Opened by the set-rate workflow (`npm run set-rate`)._", "");
  return lines.join("\n");
}
