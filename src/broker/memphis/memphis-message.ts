/**
 * A message the Memphis broker re-sends from its dead-letter store, seen through the broker port.
 *
 * The broker publishes a re-send as a plain NATS message to `$memphis_dls_<station>.<group>`
 * (memphisdev/memphis@v1.4.4 server/memphis_handlers_stations.go `ResendPoisonMessage`), not as a
 * JetStream delivery: it has no ack subject, no delivery count and no stream sequence. It is
 * wrapped in the SDK's `Message` exactly as the SDK's consumer wraps it (partition -1), so that the
 * SDK settles it: `ack()` publishes `{id, cg_name}` to `$memphis_pm_acks`, and the broker then
 * removes it from its store (server/background_tasks.go, `PM_RESEND_ACK_SUBJ`). It cannot be
 * delayed, nak'ed or dead-lettered again (the SDK's `delay()` throws, `nack()` and `deadLetter()`
 * do nothing for it): unacked, it stays in the broker's dead-letter store.
 */
import type { Message } from "memphis-dev";
import { oneLine } from "../common/dead-letter-record.js";
import type { HandBackable } from "../common/jetstream/pull-subscription.js";
import type { MessageHeaders } from "../port.js";

/** Header the SDK sets from `produce({ msgId })`; the broker deduplicates on it. */
export const MSG_ID_HEADER = "msg-id";

/** What a delivered message needs from the adapter. */
export interface MemphisMessageContext {
  /** The consumer group's bound on deliveries (already capped at 10). */
  readonly maxDeliveries: number;
  /** Wait until everything written so far has reached the broker (connection flush). */
  readonly flush: () => Promise<void>;
}

/** Adapts one SDK `Message`; the first of ack / retryLater / deadLetter wins, later calls are ignored. */
export class MemphisDeliveredMessage implements HandBackable {
  readonly id: string | undefined;
  readonly data: Uint8Array;
  readonly headers: MessageHeaders;
  /** A re-send counts as a first delivery: the broker does not say how often it was delivered. */
  readonly deliveryCount = 1;
  readonly maxDeliveries: number;
  readonly sequence: number;
  private settled = false;

  constructor(
    private readonly message: Message,
    private readonly context: MemphisMessageContext,
  ) {
    const headers = message.getHeaders() as Record<string, string>;
    this.headers = Object.freeze({ ...headers });
    this.id = headers[MSG_ID_HEADER];
    this.data = message.getData();
    this.maxDeliveries = context.maxDeliveries;
    const sequence = message.getSequenceNumber();
    this.sequence = typeof sequence === "number" ? sequence : 0;
  }

  async ack(): Promise<void> {
    await this.settle(() => this.message.ack());
  }

  async retryLater(delayMs: number): Promise<void> {
    await this.settle(() => {
      try {
        this.message.delay(Math.max(0, Math.round(delayMs)));
      } catch {
        // A re-send cannot be delayed: hand it back (it stays in the broker's dead-letter store).
        this.message.nack();
      }
    });
  }

  async deadLetter(reason: string): Promise<void> {
    await this.settle(() => this.message.deadLetter(oneLine(reason)));
  }

  /** No-op: a re-send has no ack deadline to extend. */
  inProgress(): void {}

  /** Hand back without counting as settled by the caller (used by `stop()` for never-yielded messages). */
  handBack(): void {
    if (this.settled) return;
    this.settled = true;
    try {
      this.message.nack();
    } catch {
      // Connection gone: the message stays in the broker's store anyway.
    }
  }

  private async settle(action: () => void): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    action();
    await this.context.flush();
  }
}
