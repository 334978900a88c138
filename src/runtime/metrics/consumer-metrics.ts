import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import { labelledCounter } from "./labelled-counter.js";

/**
 * `consumer_messages_total` outcomes. `dead_letter_failed`: the dead-letter record was not stored and
 * the message was handed back (alerted on); `unsettled`: an ack or nak was not confirmed (the broker
 * redelivers it after ack wait).
 */
export const CONSUMER_OUTCOMES = [
  "processed",
  "duplicate",
  "retried",
  "dead_lettered",
  "dead_letter_failed",
  "unsettled",
] as const;
export type ConsumerOutcome = (typeof CONSUMER_OUTCOMES)[number];
export type DeadLetterReason = "poison" | "malformed" | "max_deliveries";

/** The consumer's metrics (names are part of the contract: dashboards and alerts read them). */
export interface ConsumerMetrics {
  readonly messages: Counter<"outcome">;
  readonly processingDuration: Histogram;
  readonly endToEndLatency: Histogram;
  /**
   * Messages in work now: the processor counts them here and `consumer_in_flight_messages` reads the
   * count when scraped (an `inc()` and a `dec()` per message cost two prom-client look-ups each).
   */
  readonly inWork: { count: number };
  readonly deadLettered: Counter<"reason">;
  /** Deliveries whose id had been applied from another body (acked as duplicates). */
  readonly conflicts: Counter;
}

const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
];

export function createConsumerMetrics(registry: Registry): ConsumerMetrics {
  const registers = [registry];
  const messages = labelledCounter(registry, "consumer_messages_total", "Deliveries handled, by outcome", {
    outcome: CONSUMER_OUTCOMES,
  });
  const deadLettered = labelledCounter(
    registry,
    "consumer_dead_lettered_total",
    "Messages moved to the dead-letter stream, by reason",
    { reason: ["poison", "malformed", "max_deliveries"] },
  );
  const inWork = { count: 0 };
  new Gauge({
    name: "consumer_in_flight_messages",
    help: "Messages being processed",
    registers,
    collect() {
      this.set(inWork.count);
    },
  });
  const conflicts = new Counter({
    name: "consumer_conflicting_messages_total",
    help: "Deliveries whose id had been applied from another body (acked as duplicates, not applied)",
    registers,
  });
  return {
    inWork,
    conflicts,
    messages,
    deadLettered,
    processingDuration: new Histogram({
      name: "consumer_processing_duration_seconds",
      help: "Time from delivery to settlement of one message",
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    endToEndLatency: new Histogram({
      name: "consumer_end_to_end_latency_seconds",
      help: "Time from the envelope's producedAt to the end of processing (wall clocks of two processes)",
      buckets: LATENCY_BUCKETS,
      registers,
    }),
  };
}
