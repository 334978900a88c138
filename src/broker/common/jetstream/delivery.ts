/**
 * A stored message delivered by a `PullSession`, as the port's `DeliveredMessage`, for both
 * adapters: settled with the JetStream ack protocol on its reply subject (ack confirmed by the
 * shared PING/PONG of `AckConfirmer`, delayed nak, working), with delivery count and stream
 * sequence read from that subject (nats.js jetstream/src/jsmsg.ts `parseInfo` and `JsMsgImpl`).
 * Each adapter adds how it dead-letters.
 */
import type { AckConfirmer } from "./ack-confirmer.js";
import { nak, parseAckSubject, WORKING } from "./ack-protocol.js";
import type { JetStreamConnection, JetStreamMsg } from "./connection.js";
import { flattenHeaders } from "./headers.js";
import type { HandBackable } from "./pull-subscription.js";
import type { MessageHeaders } from "../../port.js";

/** How a broker's messages carry their id and which headers are the broker's own. */
export interface DeliveryFormat {
  /** Header with the dedup id. */
  readonly idHeader: string;
  /** Headers whose names start with it are left out of `headers`. @default none */
  readonly internalHeaderPrefix?: string;
}

/** What every delivery needs from its subscription (one object shared by its messages). */
export interface JetStreamDeliveryContext {
  readonly nc: Pick<JetStreamConnection, "publish" | "flush">;
  /** Confirms that the server has read the acks written so far (shared by the subscription's messages). */
  readonly acks: AckConfirmer;
  /** The app's bound on deliveries (reported as `maxDeliveries`). */
  readonly maxDeliveries: number;
  /** The adapter's message format. */
  readonly format: DeliveryFormat;
}

/** A delivery of message type `M` whose adapter's dead-lettering needs context `C`. */
export abstract class JetStreamDelivery<
  M extends JetStreamMsg,
  C extends JetStreamDeliveryContext = JetStreamDeliveryContext,
> implements HandBackable {
  readonly deliveryCount: number;
  readonly sequence: number;
  readonly maxDeliveries: number;
  protected readonly reply: string;
  private flatHeaders: MessageHeaders | undefined;

  /** Throws when `msg` is not a JetStream delivery (no ack subject). */
  constructor(
    protected readonly msg: M,
    protected readonly context: C,
  ) {
    ({ deliveryCount: this.deliveryCount, sequence: this.sequence } = parseAckSubject(msg.reply));
    this.reply = msg.reply!;
    this.maxDeliveries = context.maxDeliveries;
  }

  get data(): Uint8Array {
    return this.msg.data;
  }

  get headers(): MessageHeaders {
    this.flatHeaders ??= flattenHeaders(this.msg.headers, this.context.format.internalHeaderPrefix);
    return this.flatHeaders;
  }

  get id(): string | undefined {
    return this.msg.headers?.get(this.context.format.idHeader) || undefined;
  }

  /**
   * Ack (written with the other acks of this turn, in call order) and wait for the server to have
   * read it (see `AckConfirmer`). Rejects when that is not confirmed: the ack may be lost and the
   * message redelivered.
   */
  ack(): Promise<void> {
    // Not `async`: once per message, one derived promise instead of an async frame and its await.
    return this.context.acks.ack(this.reply).catch((error: unknown) => {
      throw new Error(`ack of ${this.describe()} was not confirmed: ${(error as Error).message}`, {
        cause: error,
      });
    });
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

  abstract deadLetter(reason: string): Promise<void>;

  /** The message in error messages. */
  protected abstract describe(): string;
}
