/**
 * A message of a Memphis station delivered by the JetStream pull session, as the port's
 * `DeliveredMessage`: the common JetStream delivery (../common/jetstream/delivery.ts). A station is a
 * JetStream stream and its consumer group a durable on it, so a delivery is settled with the
 * JetStream ack protocol on its reply subject, exactly what the SDK's
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
import { oneLine } from "../common/dead-letter-record.js";
import { TERM } from "../common/jetstream/ack-protocol.js";
import type { JetStreamMsg } from "../common/jetstream/connection.js";
import {
  JetStreamDelivery,
  type DeliveryFormat,
  type JetStreamDeliveryContext,
} from "../common/jetstream/delivery.js";
import { MSG_ID_HEADER } from "./memphis-message.js";
import { CONSUMER_NOTICE_SUBJECTS, INTERNAL_HEADER_PREFIX } from "./names.js";

/** What a delivered message needs from its subscription. */
export interface StreamDeliveryContext extends JetStreamDeliveryContext {
  /** Station name as the broker stores it (`internalName`), for the dead-letter notice. */
  readonly internalStation: string;
  /** The station's partition this subscription pulls from. */
  readonly partition: number;
  /** Consumer group as the SDK names it in the notice (lower-case). */
  readonly consumerGroup: string;
}

/** Memphis's message format: dedup id in `msg-id`; `$memphis…` headers are the SDK's own (left out, as `Message.getHeaders()` does). */
export const MEMPHIS_FORMAT: DeliveryFormat = {
  idHeader: MSG_ID_HEADER,
  internalHeaderPrefix: INTERNAL_HEADER_PREFIX,
};

const encoder = new TextEncoder();

/** Throws on construction when `msg` is not a JetStream delivery (no ack subject). */
export class MemphisStreamMessage extends JetStreamDelivery<JetStreamMsg, StreamDeliveryContext> {
  /** Terminate, then tell the broker (which copies the stored message to the dead-letter station), as `Message.deadLetter()`. */
  async deadLetter(reason: string): Promise<void> {
    const { nc, internalStation, partition, consumerGroup } = this.context;
    nc.publish(this.reply, TERM);
    const notice = {
      station_name: internalStation,
      error: oneLine(reason),
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

  protected describe(): string {
    return `message ${this.id ?? "(no id)"} (stream sequence ${this.sequence})`;
  }
}
