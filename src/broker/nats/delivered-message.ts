/**
 * A JetStream message as the port's `DeliveredMessage`: ack confirmed by a shared PING/PONG,
 * delayed nak, working, and dead-lettering by publishing a copy to the dead-letter stream before
 * terminating it. Built on the plain NATS message a `PullSession` receives: the acks are the
 * JetStream ack protocol's payloads published to the message's reply subject, which also carries the
 * delivery count and stream sequence (nats.js jetstream/src/jsmsg.ts `parseInfo` and `JsMsgImpl`).
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import { headers as createHeaders, type Msg, type MsgHdrs, type NatsConnection } from "@nats-io/nats-core";
import type { AckConfirmer } from "../common/jetstream/ack-confirmer.js";
import { nak, parseAckSubject, TERM, WORKING } from "../common/jetstream/ack-protocol.js";
import { flattenHeaders } from "../common/jetstream/headers.js";
import type { HandBackable } from "../common/jetstream/pull-subscription.js";
import type { MessageHeaders } from "../port.js";
import { deadLetterSubject, NATS_DEFAULTS } from "./defaults.js";

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
export interface DeliveryContext {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly stream: string;
  readonly deadLetterStream: string;
  /** The app's bound on deliveries (reported as `maxDeliveries`). */
  readonly maxDeliveries: number;
  /** Confirms that the server has read the acks written so far (shared by the subscription's messages). */
  readonly acks: AckConfirmer;
}

/** Build NATS headers from a single-valued record. */
export function toMsgHdrs(values: MessageHeaders | undefined): MsgHdrs | undefined {
  if (!values || Object.keys(values).length === 0) return undefined;
  const h = createHeaders();
  for (const [key, value] of Object.entries(values)) h.set(key, value);
  return h;
}

export class NatsDeliveredMessage implements HandBackable {
  readonly deliveryCount: number;
  readonly sequence: number;
  readonly maxDeliveries: number;
  private readonly reply: string;
  private flatHeaders: MessageHeaders | undefined;

  /** Throws when `msg` is not a JetStream delivery (no ack subject). */
  constructor(
    private readonly msg: Msg,
    private readonly context: DeliveryContext,
  ) {
    ({ deliveryCount: this.deliveryCount, sequence: this.sequence } = parseAckSubject(msg.reply));
    this.reply = msg.reply!;
    this.maxDeliveries = context.maxDeliveries;
  }

  get data(): Uint8Array {
    return this.msg.data;
  }

  get headers(): MessageHeaders {
    this.flatHeaders ??= flattenHeaders(this.msg.headers);
    return this.flatHeaders;
  }

  get id(): string | undefined {
    return this.msg.headers?.get(MSG_ID_HEADER) || undefined;
  }

  /**
   * Ack (written with the other acks of this turn, in call order) and wait for the server to have
   * read it (see `AckConfirmer`). Rejects when that is not confirmed: the ack may be lost and the
   * message redelivered.
   */
  async ack(): Promise<void> {
    try {
      await this.context.acks.ack(this.reply);
    } catch (error) {
      throw new Error(`ack of ${this.describe()} was not confirmed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  async retryLater(delayMs: number): Promise<void> {
    this.handBack(delayMs);
    await this.context.nc.flush();
  }

  /** Nak: redelivered after `delayMs` (at once by default). Written, not flushed. */
  handBack(delayMs = 0): void {
    this.context.nc.publish(this.reply, nak(delayMs));
  }

  inProgress(): void {
    this.context.nc.publish(this.reply, WORKING);
  }

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
        timeout: NATS_DEFAULTS.requestTimeoutMs,
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

  private describe(): string {
    return `message ${this.id ?? "(no id)"} (stream ${this.context.stream} seq ${this.sequence})`;
  }
}
