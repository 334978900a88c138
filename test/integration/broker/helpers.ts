/**
 * Helpers of the broker contract suite: poll a condition with a deadline, publish many messages
 * with bounded concurrency, and pull messages from a subscription until a condition holds.
 */
import { randomUUID } from "node:crypto";
import type { JetStreamClient } from "@nats-io/jetstream";
import { flattenHeaders } from "../../../src/broker/common/jetstream/headers.js";
import type {
  Broker,
  DeliveredMessage,
  MessageHeaders,
  OutgoingMessage,
  PublishAck,
  Subscription,
} from "../../../src/broker/port.js";

/** Poll `check` until it returns a value that is not undefined, or fail naming `what`. */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`,
      );
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A message with a fresh id whose body is its own id (so bodies can be checked too). */
export function testMessage(headers?: Record<string, string>): OutgoingMessage {
  const id = randomUUID();
  return { id, data: encoder.encode(JSON.stringify({ id })), ...(headers ? { headers } : {}) };
}

export function bodyId(message: { readonly data: Uint8Array }): string {
  return (JSON.parse(decoder.decode(message.data)) as { id: string }).id;
}

/** Publish all, `concurrency` at a time. */
export async function publishAll(
  broker: Broker,
  messages: readonly OutgoingMessage[],
  concurrency = 64,
): Promise<PublishAck[]> {
  const acks: PublishAck[] = new Array<PublishAck>(messages.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < messages.length) {
      const index = next++;
      acks[index] = await broker.publish(messages[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, messages.length) }, worker));
  return acks;
}

/**
 * A pull handle over one subscription iterator: `next()` with a deadline. The pending `next` of an
 * expired wait is kept and reused, so no message is lost between calls.
 */
export class Puller {
  private readonly iterator: AsyncIterator<DeliveredMessage>;
  private pending: Promise<IteratorResult<DeliveredMessage>> | undefined;

  constructor(readonly subscription: Subscription) {
    this.iterator = subscription[Symbol.asyncIterator]();
  }

  /** The next message, or undefined when none came within `timeoutMs` or the iterator ended. */
  async next(timeoutMs: number): Promise<DeliveredMessage | undefined> {
    this.pending ??= this.iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const result = await Promise.race([this.pending, timeout]);
    clearTimeout(timer);
    if (result === "timeout") return undefined;
    this.pending = undefined;
    return result.done ? undefined : result.value;
  }

  /** Take messages, handing each to `handle`, until `done()` or the deadline; fails on the deadline. */
  async until(
    what: string,
    handle: (message: DeliveredMessage) => Promise<void>,
    done: () => boolean,
    timeoutMs = 30_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      const message = await this.next(Math.min(left, 1_000));
      if (message) await handle(message);
    }
  }
}

/** A message read back from the dead-letter stream. */
export interface DeadLetter {
  readonly data: Uint8Array;
  readonly headers: MessageHeaders;
  /** The reason given to `deadLetter`, as the adapter stores it. */
  readonly reason: string | undefined;
}

/** Every message stored on the JetStream stream `stream` (a dead-letter stream), with its reason header. */
export async function readDeadLetterStream(
  js: JetStreamClient,
  stream: string,
  reasonHeader: string,
): Promise<DeadLetter[]> {
  const consumer = await js.consumers.get(stream);
  const count = (await consumer.info()).num_pending;
  const letters: DeadLetter[] = [];
  if (count === 0) return letters;
  const batch = await consumer.fetch({ max_messages: count, expires: 5_000 });
  for await (const m of batch) {
    const headers = flattenHeaders(m.headers);
    letters.push({ data: m.data, headers, reason: headers[reasonHeader] });
    if (letters.length >= count) break;
  }
  return letters;
}
