import { Gauge, Histogram, type Counter, type Registry } from "prom-client";
import { labelledCounter } from "./labelled-counter.js";

/** Why a publish attempt failed (label `reason` of producer_publish_failures_total). */
export type PublishFailureReason = "timeout" | "connection" | "too_large" | "gave_up" | "other";

/** The producer's metrics (names are part of the contract: dashboards and alerts read them). */
export interface ProducerMetrics {
  readonly published: Counter<"outcome">;
  readonly publishFailures: Counter<"reason">;
  readonly targetRate: Gauge;
  readonly inFlight: Gauge;
  readonly publishDuration: Histogram;
}

export function createProducerMetrics(registry: Registry): ProducerMetrics {
  const registers = [registry];
  const published = labelledCounter(
    registry,
    "producer_messages_published_total",
    "Messages the broker acknowledged, by outcome (stored, or duplicate of an earlier publish of the same id)",
    { outcome: ["stored", "duplicate"] },
  );
  // Each reason's series appears with its first failure.
  const publishFailures = labelledCounter(
    registry,
    "producer_publish_failures_total",
    "Failed publish attempts by reason; gave_up counts messages dropped after all retries",
    { reason: [] },
  );
  return {
    published,
    publishFailures,
    targetRate: new Gauge({
      name: "producer_target_rate_messages_per_second",
      help: "Rate the producer's schedule asks for now",
      registers,
    }),
    inFlight: new Gauge({
      name: "producer_publish_in_flight",
      help: "Publishes awaiting a broker ack",
      registers,
    }),
    publishDuration: new Histogram({
      name: "producer_publish_duration_seconds",
      help: "Time from first publish attempt to the broker's ack, retries included",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
}
