/**
 * A message of a Memphis station delivered by the JetStream pull session, as the port's
 * `DeliveredMessage`. A station is a JetStream stream and its consumer group a durable on it, so a
 * delivery is settled with the JetStream ack protocol on its reply subject, exactly what the SDK's
 * `Message` does through the nats.js `JsMsg` it wraps (memphis-dev 1.3.2 lib/message.js, i.e.
 * memphisdev/memphis.js@v1.3.2 src/message.ts):
 * - `ack()`: `+ACK` (`JsMsg.ack()`), here confirmed by the shared PING/PONG (`AckConfirmer`);
 * - `retryLater(delay)`: `-NAK {"delay": ns}` (the SDK's `delay(ms)` is `JsMsg.nak(ms)`);
 *   hand-back: `-NAK` (`nack()`);
 * - `deadLetter(reason)`: `+TERM` (`JsMsg.term()`), then the SDK's notice on `$memphis_nacked_dls`
 *   `{station_name, error, partition, cg_name, seq}`: the broker copies the message to the
 *   station's dead-letter station;
 * - `inProgress()`: `+WPI`, which the SDK does not offer. A Memphis broker is nats-server with its
 *   control plane on top, and its consumers keep nats-server's ack handling
 *   (memphisdev/memphis@v1.4.4 server/consumer.go `processAck`: `case bytes.Equal(msg,
 *   AckProgress): o.progressUpdate(sseq)`, which restarts the pending message's ack wait), so it
 *   extends the ack deadline as on NATS.
 * Delivery count and stream sequence come from the ack subject, as on NATS.
 */
import type { AckConfirmer } from "../common/jetstream/ack-confirmer.js";
import { nak, parseAckSubject, TERM, WORKING } from "../common/jetstream/ack-protocol.js";
import type { JetStreamConnection, JetStreamMsg } from "../common/jetstream/connection.js";
import { flattenHeaders } from "../common/jetstream/headers.js";
import type { HandBackable } from "../common/jetstream/pull-subscription.js";
import type { MessageHeaders } from "../port.js";
import { MSG_ID_HEADER } from "./memphis-message.js";
import { CONSUMER_NOTICE_SUBJECTS, INTERNAL_HEADER_PREFIX } from "./names.js";

/** What a delivered message needs from its subscription. */
export interface StreamDeliveryContext {
  /** The SDK's connection (`memphis.brokerManager`). */
  readonly nc: Pick<JetStreamConnection, "publish" | "flush">;
  /** Confirms that the server has read the acks written so far (shared by the subscription's messages). */
  readonly acks: AckConfirmer;
  /** The consumer group's bound on deliveries (already capped at 10). */
  readonly maxDeliveries: number;
  /** Station name as the broker stores it (`internalName`), for the dead-letter notice. */
  readonly internalStation: string;
  /** The station's partition this subscription pulls from. */
  readonly partition: number;
  /** Consumer group as the SDK names it in the notice (lower-case). */
  readonly consumerGroup: string;
}

const encoder = new TextEncoder();

export class MemphisStreamMessage implements HandBackable {
  readonly deliveryCount: number;
  readonly sequence: number;
  readonly maxDeliveries: number;
  private readonly reply: string;
  private flatHeaders: MessageHeaders | undefined;

  /** Throws when `msg` is not a JetStream delivery (no ack subject). */
  constructor(
    private readonly msg: JetStreamMsg,
    private readonly context: StreamDeliveryContext,
  ) {
    ({ deliveryCount: this.deliveryCount, sequence: this.sequence } = parseAckSubject(msg.reply));
    this.reply = msg.reply!;
    this.maxDeliveries = context.maxDeliveries;
  }

  get data(): Uint8Array {
    return this.msg.data;
  }

  /** The headers the producer set, without the SDK's own `$memphis…` ones (as `Message.getHeaders()`). */
  get headers(): MessageHeaders {
    this.flatHeaders ??= flattenHeaders(this.msg.headers, INTERNAL_HEADER_PREFIX);
    return this.flatHeaders;
  }

  get id(): string | undefined {
    return this.msg.headers?.get(MSG_ID_HEADER) || undefined;
  }

  /** Ack and wait for the server to have read it (see `AckConfirmer`); rejects when that is not confirmed. */
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
    this.context.nc.publish(this.reply, nak(delayMs));
    await this.context.nc.flush();
  }

  /** Nak without delay. Written, not flushed. */
  handBack(): void {
    this.context.nc.publish(this.reply, nak());
  }

  inProgress(): void {
    this.context.nc.publish(this.reply, WORKING);
  }

  /** Terminate, then tell the broker (which copies the stored message to the dead-letter station), as `Message.deadLetter()`. */
  async deadLetter(reason: string): Promise<void> {
    const { nc, internalStation, partition, consumerGroup } = this.context;
    nc.publish(this.reply, TERM);
    const notice = {
      station_name: internalStation,
      error: reason,
      partition,
      cg_name: consumerGroup,
      seq: this.sequence,
    };
    nc.publish(CONSUMER_NOTICE_SUBJECTS.deadLettered, encoder.encode(JSON.stringify(notice)));
    try {
      await nc.flush();
    } catch (error) {
      throw new Error(`dead-lettering ${this.describe()} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  private describe(): string {
    return `message ${this.id ?? "(no id)"} (stream sequence ${this.sequence})`;
  }
}
