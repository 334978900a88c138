/**
 * Handles one delivered message and settles it exactly once:
 * - malformed envelope → dead-letter at once (reason "malformed: …"), no retry;
 * - the poison marker (`payload.poison` the JSON `true`: `isPoisonPayload`) → fails: redelivered after RETRY_DELAY_MS until the last allowed
 *   delivery, then dead-lettered (reason "poison: …");
 * - otherwise simulated work (WORK_TIME_MS, with in-progress heartbeats every ACK_WAIT_MS/3), the
 *   idempotent effect, then ack (`processed`, or `duplicate` when the effect existed already; when
 *   it had been applied from another body, also counted in `consumer_conflicting_messages_total`);
 * - any other failure → redelivered, dead-lettered ("max_deliveries: …") on the last delivery;
 * - the drain deadline (`signal`) hands a message still in work back at once (retryLater(0));
 * - a dead-letter that fails (the record was not stored) hands the message back after
 *   RETRY_DELAY_MS, to be dead-lettered again on its next delivery, and counts it as
 *   `dead_letter_failed` (alerted on: a message that keeps failing it strands after the broker's
 *   last delivery); any other settle that fails counts as `unsettled` (the broker redelivers it).
 * Acks are pipelined (see `handle`); the other settles are awaited.
 */
// Imported, not the global: on Node 20 the global `performance` is a lazy accessor that runs on every
// read, measurable at two reads per message (docs/benchmarks.md).
import { performance } from "node:perf_hooks";
import type { DeliveredMessage } from "../../broker/port.js";
import {
  decodeEnvelope,
  isPoisonPayload,
  MalformedEnvelopeError,
  type Envelope,
} from "../../runtime/envelope.js";
import type { Logger } from "../../runtime/logger.js";
import type { ConsumerMetrics, DeadLetterReason } from "../../runtime/metrics/consumer-metrics.js";
import { sleep } from "../../util/sleep.js";
import { bodyDigest, type EffectSink } from "./effect-sink.js";
import { Heartbeat } from "./heartbeat.js";

export interface ProcessorProps {
  readonly sink: EffectSink;
  readonly metrics: ConsumerMetrics;
  readonly logger: Logger;
  readonly instanceId: string;
  readonly workTimeMs: number;
  readonly retryDelayMs: number;
  /** The broker's ack wait: heartbeats go out every third of it. */
  readonly ackWaitMs: number;
}

/**
 * What happened to one delivery. `unsettled`: the settle call failed; the broker redelivers after
 * ack wait. `dead_letter_failed`: the dead-letter record was not stored; handed back with a delay.
 */
export type ProcessOutcome =
  | "processed"
  | "duplicate"
  | "retried"
  | "dead_lettered"
  | "dead_letter_failed"
  | "handed_back"
  | "unsettled";

/** A handled delivery whose worker is free again. */
export interface Handled {
  /**
   * How the delivery ended, once the broker confirmed its settle (`unsettled` when that failed: the
   * broker redelivers it and the sink reports the redelivery as a duplicate). Never rejects.
   */
  readonly outcome: Promise<ProcessOutcome>;
}

/** Thrown for a simulated poison message. */
export class PoisonMessageError extends Error {
  override readonly name = "PoisonMessageError";
}

type Decision =
  | { readonly kind: "ack"; readonly outcome: "processed" | "duplicate"; readonly envelope: Envelope }
  | { readonly kind: "retry"; readonly delayMs: number; readonly why: string }
  | { readonly kind: "hand_back" }
  | { readonly kind: "dead_letter"; readonly reason: DeadLetterReason; readonly text: string };

/** What the settle log lines say about a delivery. */
function settleContext(message: DeliveredMessage): Record<string, unknown> {
  return { id: message.id, sequence: message.sequence, deliveryCount: message.deliveryCount };
}

/** Outcomes counted in `metrics.messages`. */
type CountedOutcome = Exclude<ProcessOutcome, "handed_back">;

export class Processor {
  private readonly heartbeat: Heartbeat;
  /** `metrics.messages` per outcome, bound once (a labelled `inc()` looks the labels up every call). */
  private readonly counted: Record<CountedOutcome, { inc(): void }>;

  constructor(private readonly props: ProcessorProps) {
    this.heartbeat = new Heartbeat(Math.max(1, Math.floor(props.ackWaitMs / 3)));
    const bind = (outcome: CountedOutcome) => props.metrics.messages.labels({ outcome });
    this.counted = {
      processed: bind("processed"),
      duplicate: bind("duplicate"),
      retried: bind("retried"),
      dead_lettered: bind("dead_lettered"),
      dead_letter_failed: bind("dead_letter_failed"),
      unsettled: bind("unsettled"),
    };
  }

  /**
   * Process `message` and start settling it. Resolves once the message no longer needs its worker:
   * for an ack, as soon as the effect is applied and the ack is sent ("pipelined settle": its
   * confirmation is `outcome`); retry, hand-back and dead-letter (rare paths) are awaited before it
   * resolves. Processing order is preserved (the caller starts the next message after this resolves);
   * only confirmations overlap.
   */
  async handle(message: DeliveredMessage, signal: AbortSignal): Promise<Handled> {
    const started = performance.now();
    this.props.metrics.inWork.count++;
    try {
      const decision = await this.decide(message, signal);
      if (decision.kind === "ack") return { outcome: this.ack(message, decision, started) };
      const outcome = await this.settle(message, decision);
      this.observeDuration(started);
      return { outcome: Promise.resolve(outcome) };
    } catch (error) {
      this.observeDuration(started);
      throw error;
    } finally {
      this.props.metrics.inWork.count--;
    }
  }

  private async decide(message: DeliveredMessage, signal: AbortSignal): Promise<Decision> {
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(message.data);
    } catch (error) {
      if (error instanceof MalformedEnvelopeError)
        return { kind: "dead_letter", reason: "malformed", text: `malformed: ${error.message}` };
      throw error;
    }
    const { sink } = this.props;
    // Awaited only where the sink records attempts: each await is a turn of the microtask queue.
    if (sink.recordAttempt)
      await sink.recordAttempt({
        id: envelope.id,
        instance: this.props.instanceId,
        deliveryCount: message.deliveryCount,
      });
    const last = message.deliveryCount >= message.maxDeliveries;
    const untrack = this.heartbeat.track(message);
    try {
      if (isPoisonPayload(envelope.payload)) throw new PoisonMessageError(`message ${envelope.id} is poison`);
      if (this.props.workTimeMs > 0 && !(await sleep(this.props.workTimeMs, signal)))
        return { kind: "hand_back" };
      const result = await sink.apply({
        id: envelope.id,
        seq: envelope.seq,
        producer: envelope.producer,
        producedAt: envelope.producedAt,
        instance: this.props.instanceId,
        deliveryCount: message.deliveryCount,
        digest: bodyDigest(message.data),
      });
      if (result === "conflict") this.conflict(message, envelope);
      return { kind: "ack", outcome: result === "applied" ? "processed" : "duplicate", envelope };
    } catch (error) {
      const poison = error instanceof PoisonMessageError;
      const what = (error as Error).message;
      if (last)
        return poison
          ? {
              kind: "dead_letter",
              reason: "poison",
              text: `poison: failed ${message.deliveryCount} deliveries: ${what}`,
            }
          : {
              kind: "dead_letter",
              reason: "max_deliveries",
              text: `max_deliveries: failed ${message.deliveryCount} deliveries: ${what}`,
            };
      if (signal.aborted) return { kind: "hand_back" };
      return { kind: "retry", delayMs: this.props.retryDelayMs, why: what };
    } finally {
      untrack();
    }
  }

  /**
   * The hot path: send the ack and count its outcome once the broker confirmed it, in one reaction
   * to the ack's promise (no async function, no `finally` chain).
   */
  private ack(
    message: DeliveredMessage,
    decision: Extract<Decision, { kind: "ack" }>,
    started: number,
  ): Promise<ProcessOutcome> {
    let sent: Promise<void>;
    try {
      sent = message.ack();
    } catch (error) {
      sent = Promise.reject(error as Error);
    }
    return sent.then(
      () => {
        const { metrics, logger } = this.props;
        this.counted[decision.outcome].inc();
        if (decision.outcome === "processed")
          metrics.endToEndLatency.observe(Math.max(0, Date.now() - decision.envelope.producedAt) / 1000);
        this.observeDuration(started);
        // Build the log line only when it is written.
        if (logger.isLevelEnabled("debug"))
          logger.debug(
            { ...settleContext(message), seq: decision.envelope.seq, outcome: decision.outcome },
            "message settled",
          );
        return decision.outcome;
      },
      (error: unknown) => {
        this.observeDuration(started);
        this.settleFailed(message, decision, error);
        return "unsettled";
      },
    );
  }

  /**
   * A body other than the applied one under the same id: acked as a duplicate (the first effect
   * stands, effects are per id), counted and logged, since a producer reused an id.
   */
  private conflict(message: DeliveredMessage, envelope: Envelope): void {
    this.props.metrics.conflicts.inc();
    this.props.logger.warn(
      { ...settleContext(message), seq: envelope.seq, producer: envelope.producer },
      "conflicting message: its id was applied from another body; acked as a duplicate",
    );
  }

  private observeDuration(started: number): void {
    this.props.metrics.processingDuration.observe((performance.now() - started) / 1000);
  }

  private settleFailed(message: DeliveredMessage, decision: Decision, error: unknown): void {
    this.counted.unsettled.inc();
    this.props.logger.warn(
      { ...settleContext(message), decision: decision.kind, err: error },
      "settling failed; the broker will redeliver",
    );
  }

  /** The rare paths (retry, hand-back, dead-letter), awaited before the worker is free. */
  private async settle(
    message: DeliveredMessage,
    decision: Exclude<Decision, { kind: "ack" }>,
  ): Promise<ProcessOutcome> {
    const { metrics, logger } = this.props;
    const context = settleContext(message);
    try {
      switch (decision.kind) {
        case "retry":
          await message.retryLater(decision.delayMs);
          this.counted.retried.inc();
          logger.debug({ ...context, outcome: "retried", why: decision.why }, "message settled");
          return "retried";
        case "hand_back":
          await message.retryLater(0);
          logger.debug({ ...context, outcome: "handed_back" }, "message handed back");
          return "handed_back";
        case "dead_letter":
          try {
            await message.deadLetter(decision.text);
          } catch (error) {
            return await this.deadLetterFailed(message, decision, error);
          }
          this.counted.dead_lettered.inc();
          metrics.deadLettered.inc({ reason: decision.reason });
          logger.warn(
            { ...context, outcome: "dead_lettered", reason: decision.text },
            "message dead-lettered",
          );
          return "dead_lettered";
      }
    } catch (error) {
      this.settleFailed(message, decision, error);
      return "unsettled";
    }
  }

  /** Hand a message whose dead-letter record was not stored back, to be dead-lettered on its next delivery. */
  private async deadLetterFailed(
    message: DeliveredMessage,
    decision: Extract<Decision, { kind: "dead_letter" }>,
    error: unknown,
  ): Promise<ProcessOutcome> {
    this.counted.dead_letter_failed.inc();
    this.props.logger.error(
      { ...settleContext(message), reason: decision.text, err: error },
      "dead-lettering failed; handed back to be dead-lettered again",
    );
    // A failed nak leaves it to the broker's ack wait: redelivered all the same.
    await message.retryLater(this.props.retryDelayMs).catch(() => {});
    return "dead_letter_failed";
  }
}
