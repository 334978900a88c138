/**
 * One message's publish: retried with exponential back-off (p-retry) under the SAME id, so the
 * broker's dedup window turns a retry of a publish that was in fact stored into a duplicate ack.
 * A payload over the broker's limit is not retried.
 */
import pRetry from "p-retry";
import type { Broker, OutgoingMessage, PublishAck } from "../../broker/port.js";
import { encodeEnvelope, type Envelope } from "../../runtime/envelope.js";
import type { Logger } from "../../runtime/logger.js";
import type { ProducerMetrics, PublishFailureReason } from "../../runtime/metrics/producer-metrics.js";

export interface PublisherProps {
  readonly broker: Broker;
  readonly metrics: ProducerMetrics;
  readonly logger: Logger;
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
}

export type PublishOutcome = "stored" | "duplicate" | "failed";

/** Map a publish error to its `reason` label. */
export function classifyPublishError(error: unknown): PublishFailureReason {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  if (/max_payload|too large|maximum payload/i.test(text)) return "too_large";
  if (/timeout|timed out/i.test(text)) return "timeout";
  if (/disconnect|connection|closed|no responders|503|ECONNREFUSED|draining/i.test(text)) return "connection";
  return "other";
}

export class Publisher {
  constructor(private readonly props: PublisherProps) {}

  /**
   * The first attempt goes straight to the broker; p-retry (and its per-call set-up) only comes in
   * after a failure, replaying that failure as its attempt 1 so that back-off, `shouldRetry` and
   * the failure metrics treat it like any other attempt. Same id on every attempt.
   */
  publish(envelope: Envelope): Promise<PublishOutcome> {
    const message: OutgoingMessage = { id: envelope.id, data: encodeEnvelope(envelope) };
    const started = performance.now();
    return this.attempt(message).then(
      (ack) => this.acked(envelope, ack, started),
      (error: unknown) => this.retry(envelope, message, started, error),
    );
  }

  /** One broker publish; a synchronous throw becomes a rejection like any other failure. */
  private attempt(message: OutgoingMessage): Promise<PublishAck> {
    try {
      return this.props.broker.publish(message);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private acked(envelope: Envelope, ack: PublishAck, started: number): PublishOutcome {
    const { metrics, logger } = this.props;
    const outcome = ack.duplicate ? "duplicate" : "stored";
    metrics.published.inc({ outcome });
    metrics.publishDuration.observe((performance.now() - started) / 1000);
    // Guarded: the fields object would otherwise be built for every message at any level.
    if (logger.isLevelEnabled("debug"))
      logger.debug({ id: envelope.id, seq: envelope.seq, sequence: ack.sequence, outcome }, "published");
    return outcome;
  }

  private async retry(
    envelope: Envelope,
    message: OutgoingMessage,
    started: number,
    firstError: unknown,
  ): Promise<PublishOutcome> {
    const { metrics, logger } = this.props;
    try {
      const ack = await pRetry(
        (attemptNumber) => (attemptNumber === 1 ? Promise.reject(firstError) : this.attempt(message)),
        {
          retries: this.props.retries,
          minTimeout: this.props.minBackoffMs,
          maxTimeout: this.props.maxBackoffMs,
          factor: 2,
          randomize: true,
          onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
            const reason = classifyPublishError(error);
            metrics.publishFailures.inc({ reason });
            logger.debug(
              { id: envelope.id, seq: envelope.seq, attemptNumber, retriesLeft, reason, err: error },
              "publish attempt failed",
            );
          },
          shouldRetry: ({ error }) => classifyPublishError(error) !== "too_large",
        },
      );
      return this.acked(envelope, ack, started);
    } catch (error) {
      metrics.publishFailures.inc({ reason: "gave_up" });
      logger.error({ id: envelope.id, seq: envelope.seq, err: error }, "publish failed, message dropped");
      return "failed";
    }
  }
}
