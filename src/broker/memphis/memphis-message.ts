/**
 * A message fetched through the memphis-dev SDK, seen through the broker port.
 *
 * The SDK's `Message` offers ack / delay / deadLetter / nack, headers and the stream sequence. It
 * does not expose the delivery count: that one is read from the wrapped NATS `JsMsg`
 * (`info.redeliveryCount`, the JetStream delivery counter), like the pending count used to size
 * fetches (`info.pending`) — the only places this adapter looks inside an SDK object. It cannot extend the ack deadline either (no `working()`), so
 * `inProgress()` is a no-op: keep `WORK_TIME_MS` well below `ACK_WAIT_MS` on Memphis.
 */
import type { Message } from "memphis-dev";
import type { DeliveredMessage, MessageHeaders } from "../port.js";

/** Header the SDK sets from `produce({ msgId })`; the broker deduplicates on it. */
export const MSG_ID_HEADER = "msg-id";

/**
 * JetStream delivery info of the `JsMsg` the SDK wraps (a private field: the SDK exposes neither
 * the delivery count nor the pending count). Undefined for a plain NATS message (a dead-letter
 * re-send has no JetStream reply subject to parse, and reading `info` throws).
 */
function jetStreamInfoOf(
  message: Message,
): { readonly redeliveryCount?: unknown; readonly pending?: unknown } | undefined {
  const inner = (
    message as unknown as { message?: { info?: { redeliveryCount?: unknown; pending?: unknown } } }
  ).message;
  try {
    return inner?.info;
  } catch {
    return undefined;
  }
}

/** Delivery count of an SDK message: 1 on first delivery (also for messages the broker re-sends from its dead-letter store). */
export function deliveryCountOf(message: Message): number {
  const count = jetStreamInfoOf(message)?.redeliveryCount;
  return typeof count === "number" && count >= 1 ? count : 1;
}

/**
 * The consumer's pending count (messages not yet delivered to the group) when this message was
 * delivered, from the wrapped `JsMsg` (`info.pending`); undefined where the message has none.
 */
export function pendingOf(message: Message): number | undefined {
  const pending = jetStreamInfoOf(message)?.pending;
  return typeof pending === "number" && pending >= 0 ? pending : undefined;
}

/** What a delivered message needs from the adapter. */
export interface MemphisMessageContext {
  /** The consumer group's bound on deliveries (already capped at 10). */
  readonly maxDeliveries: number;
  /** Wait until everything written so far has reached the broker (connection flush). */
  readonly flush: () => Promise<void>;
}

/** Adapts one SDK `Message`; the first of ack / retryLater / deadLetter wins, later calls are ignored. */
export class MemphisDeliveredMessage implements DeliveredMessage {
  readonly id: string | undefined;
  readonly data: Uint8Array;
  readonly headers: MessageHeaders;
  readonly deliveryCount: number;
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
    this.deliveryCount = deliveryCountOf(message);
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
        // A message re-sent from the broker's dead-letter store cannot be delayed: hand it back at once.
        this.message.nack();
      }
    });
  }

  async deadLetter(reason: string): Promise<void> {
    await this.settle(() => this.message.deadLetter(reason));
  }

  /** No-op: memphis-dev 1.3.2 cannot extend the ack deadline of a message. */
  inProgress(): void {}

  /** Hand back without counting as settled by the caller (used by `stop()` for never-yielded messages). */
  handBack(): void {
    if (this.settled) return;
    this.settled = true;
    try {
      this.message.nack();
    } catch {
      // Connection gone: the broker redelivers it after the ack wait anyway.
    }
  }

  private async settle(action: () => void): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    action();
    await this.context.flush();
  }
}
