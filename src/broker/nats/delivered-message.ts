/**
 * A JetStream message of the NATS adapter as the port's `DeliveredMessage`: the common JetStream
 * delivery (ack confirmed by a shared PING/PONG, delayed nak, working: ../common/jetstream/delivery.ts),
 * dead-lettered by publishing its dead-letter record to the dead-letter stream before terminating it.
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import { headers as createHeaders, type Msg, type NatsConnection } from "@nats-io/nats-core";
import { buildDeadLetterRecord, DEAD_LETTER_HEADERS } from "../common/dead-letter-record.js";
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

/** Headers of a dead-letter record (shared with the Memphis adapter's notices). */
export { DEAD_LETTER_HEADERS };

/** The server default, for a connection whose INFO is not known (never the case once connected). */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;

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
  /**
   * Publish the dead-letter record (../common/dead-letter-record.ts) to
   * `${deadLetterStream}.${stream}`, check its ack, then terminate the original. Rejects, leaving
   * the original unsettled, when the record was not stored.
   */
  async deadLetter(reason: string): Promise<void> {
    const { nc, js, stream, deadLetterStream } = this.context;
    const subject = deadLetterSubject(deadLetterStream, stream);
    try {
      const record = buildDeadLetterRecord(
        {
          stream,
          sequence: this.sequence,
          id: this.id,
          deliveryCount: this.deliveryCount,
          data: this.msg.data,
          headers: this.headers,
        },
        reason,
        {
          maxPayload: nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD,
          idHeader: MSG_ID_HEADER,
          dedupHeader: MSG_ID_HEADER,
        },
      );
      const h = createHeaders();
      for (const [key, value] of record.headers) h.set(key, value);
      const ack = await js.publish(subject, record.data, {
        headers: h,
        timeout: BROKER_DEFAULTS.nats.requestTimeoutMs,
      });
      // Another stream capturing the subject would hold it where no one looks. A duplicate ack is
      // an earlier attempt at this same message (the key names its stream, sequence and body).
      if (ack.stream !== deadLetterStream)
        throw new Error(`stored in stream "${ack.stream}", not "${deadLetterStream}"`);
    } catch (error) {
      throw new Error(
        `dead-lettering ${this.describe()} to "${subject}" failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    nc.publish(this.reply, TERM);
    await nc.flush();
  }

  protected describe(): string {
    return `message ${this.id ?? "(no id)"} (stream ${this.context.stream} seq ${this.sequence})`;
  }
}
