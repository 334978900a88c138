/**
 * The end-to-end test's loss verdict, from the apps' own numbers: the burst producer's final summary
 * (its "producer stopped" log line: messages the broker acknowledged as stored) against what the
 * consumers report to Prometheus (`consumer_messages_total` processed and dead-lettered, first
 * effects only: duplicates are their own outcome) and what is still queued
 * (`broker_queue_depth_messages`). Pure: texts in, verdict out.
 */

/** The PromQL the verdict reads; each is a single number. */
export const LOSS_QUERIES = {
  /**
   * Consumer pods come and go: each pod's counter starts at 0, so the total is the sum over pods of
   * each pod's highest value. A pod is scaled in only after KEDA's cooldown of an empty queue, so
   * its last scrape holds its final count.
   */
  handled: (namespace: string, window: string) =>
    `sum(max_over_time(consumer_messages_total{namespace="${namespace}",outcome=~"processed|dead_lettered"}[${window}]))`,
  /**
   * Pending + ack pending (the gauge's two `state`s) as the running pods see it now: the last 30 s
   * (two scrapes at 15 s) hold only pods still running, and the burst's own pod is left out, so
   * its last reading from before the drain cannot count as still queued.
   */
  queued: (namespace: string, burstJob: string) =>
    `sum(max by (state) (last_over_time(broker_queue_depth_messages{namespace="${namespace}",pod!~"${burstJob}-.*"}[30s])))`,
} as const;

/** The producer's summary fields (src/apps/producer/producer.ts ProducerSummary). */
export interface ProducerSummary {
  readonly created: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly failed: number;
}

/** The last "producer stopped" summary in the producer's JSON log lines. */
export function producerSummary(logText: string): ProducerSummary | undefined {
  let found: ProducerSummary | undefined;
  for (const line of logText.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const record = JSON.parse(line) as Record<string, unknown>;
      if (record.msg !== "producer stopped") continue;
      const fields = ["created", "stored", "duplicates", "failed"] as const;
      if (fields.every((f) => typeof record[f] === "number"))
        found = Object.fromEntries(fields.map((f) => [f, record[f]])) as unknown as ProducerSummary;
    } catch {
      // not a log record
    }
  }
  return found;
}

/** The single value of a Prometheus instant-query response; undefined when it has no sample. */
export function instantValue(responseJson: string): number | undefined {
  const response = JSON.parse(responseJson) as {
    status?: string;
    error?: string;
    data?: { resultType?: string; result?: { value?: [number, string] }[] };
  };
  if (response.status !== "success")
    throw new Error(`Prometheus query failed: ${response.error ?? responseJson}`);
  const sample = response.data?.result?.[0]?.value?.[1];
  return sample === undefined ? undefined : Number(sample);
}

export interface LossVerdict {
  readonly ok: boolean;
  /** Stored by the broker but neither handled nor still queued. */
  readonly lost: number;
  readonly summary: string;
}

/** Judge: every stored message handled, no publish given up, nothing left in the queue. */
export function judgeLoss(input: {
  readonly producer: ProducerSummary | undefined;
  readonly handled: number | undefined;
  readonly queued: number | undefined;
}): LossVerdict {
  const { producer, handled, queued } = input;
  if (producer === undefined)
    return { ok: false, lost: 0, summary: 'no "producer stopped" summary in the burst\'s log' };
  if (handled === undefined || queued === undefined)
    return {
      ok: false,
      lost: 0,
      summary: `Prometheus has no ${handled === undefined ? "consumer_messages_total" : "broker_queue_depth_messages"} samples`,
    };
  // The producer retries a publish only when it got no acknowledgement, so a "duplicate" answer
  // means an earlier attempt was stored: the stream holds stored + duplicates distinct messages.
  const inStream = producer.stored + producer.duplicates;
  const lost = Math.max(0, inStream - handled - queued);
  const problems = [
    ...(producer.failed > 0 ? [`${producer.failed} publishes gave up`] : []),
    ...(lost > 0 ? [`${lost} lost (stored, not handled, not queued)`] : []),
    ...(queued > 0 ? [`${queued} left in the queue`] : []),
  ];
  const counts = `stored ${inStream}, handled ${handled} (processed + dead-lettered), queued ${queued}`;
  return problems.length === 0
    ? { ok: true, lost: 0, summary: `nothing lost: ${counts}` }
    : { ok: false, lost, summary: `${problems.join("; ")}: ${counts}` };
}
