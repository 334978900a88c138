/**
 * A JetStream message of the NATS adapter as the port's `DeliveredMessage`: the common JetStream
 * delivery (ack confirmed by a shared PING/PONG, delayed nak, working: ../common/jetstream/delivery.ts),
 * dead-lettered by publishing a copy to the dead-letter stream before terminating it.
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import { headers as createHeaders, type Msg, type NatsConnection } from "@nats-io/nats-core";
import { TERM } from "../common/jetstream/ack-protocol.js";
import {
  JetStreamDelivery,
  type DeliveryFormat,
  type JetStreamDeliveryContext,
} from "../common/jetstream/delivery.js";
import { BROKER_DEFAULTS } from "../defaults.js";
import { deadLetterSubject } from "./names.js";

/** Header carrying the dedup id. */
export const MSG_ID_HEADER = "Nats-Msg-Id";

/** Headers added to a dead-lettered copy. */
export const DEAD_LETTER_HEADERS = {
  reason: "Dead-Letter-Reason",
  originalStream: "Original-Stream",
  originalSequence: "Original-Sequence",
  deliveryCount: "Delivery-Count",
  deadLetteredAt: "Dead-Lettered-At",
} as const;

/** What a delivered message needs from its subscription. */
export interface DeliveryContext extends JetStreamDeliveryContext {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly stream: string;
  readonly deadLetterStream: string;
}

/** The NATS message format: dedup id in `Nats-Msg-Id`, every header the producer's. */
export const NATS_FORMAT: DeliveryFormat = { idHeader: MSG_ID_HEADER };

/** Throws on construction when `msg` is not a JetStream delivery (no ack subject). */
export class NatsDeliveredMessage extends JetStreamDelivery<Msg, DeliveryContext> {
  /** Publish a copy to `${deadLetterStream}.${stream}` (deduplicated on `dlq-<id>`), then terminate it. */
  async deadLetter(reason: string): Promise<void> {
    const h = createHeaders();
    for (const [key, value] of Object.entries(this.headers)) if (key !== MSG_ID_HEADER) h.set(key, value);
    h.set(DEAD_LETTER_HEADERS.reason, reason);
    h.set(DEAD_LETTER_HEADERS.originalStream, this.context.stream);
    h.set(DEAD_LETTER_HEADERS.originalSequence, String(this.sequence));
    h.set(DEAD_LETTER_HEADERS.deliveryCount, String(this.deliveryCount));
    h.set(DEAD_LETTER_HEADERS.deadLetteredAt, new Date().toISOString());
    if (this.id !== undefined) h.set("Original-Msg-Id", this.id);
    const subject = deadLetterSubject(this.context.deadLetterStream, this.context.stream);
    try {
      await this.context.js.publish(subject, this.msg.data, {
        msgID: `dlq-${this.id ?? this.sequence}`,
        headers: h,
        timeout: BROKER_DEFAULTS.nats.requestTimeoutMs,
      });
    } catch (error) {
      throw new Error(
        `dead-lettering ${this.describe()} to "${subject}" failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    this.context.nc.publish(this.reply, TERM);
    await this.context.nc.flush();
  }

  protected describe(): string {
    return `message ${this.id ?? "(no id)"} (stream ${this.context.stream} seq ${this.sequence})`;
  }
}
