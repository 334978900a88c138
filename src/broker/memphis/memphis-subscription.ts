/**
 * Pull loop over the SDK's `consumer.fetch()`, exposed as the port's `Subscription`.
 *
 * The SDK's `on('message')` loop fetches one batch per `pullIntervalMs` (about 10 msg/s at its
 * defaults); here a fetch starts as soon as the caller asks for a message and nothing is buffered,
 * so delivery runs at the broker's pace. Each fetch asks for what is waiting, up to `batchSize`
 * (`FetchSizer`): the SDK's fetch only returns early when its batch is full, so a fixed batch would
 * hold a short queue's messages for the SDK's 1 s minimum wait. Fetching is driven by demand: nothing is pulled (and no ack
 * deadline starts) for a caller that is not asking, so the broker's ack-pending count is what the
 * caller holds plus at most one batch.
 *
 * `consumer.stop()` in the SDK does not cancel a fetch in flight, so this loop never relies on it:
 * `stop()` marks the subscription stopped, hands back (nak, redelivered at once) whatever is buffered,
 * waits for the fetch in flight to return and hands back what it brought. Nothing fetched is lost.
 */
import type { Consumer } from "memphis-dev";
import type { DeliveredMessage, Subscription } from "../port.js";
import { Notifier } from "../../util/notifier.js";
import { sleep } from "../../util/sleep.js";
import { MEMPHIS_DEFAULTS } from "./defaults.js";
import { FetchSizer } from "./fetch-sizer.js";
import { MemphisDeliveredMessage, pendingOf, type MemphisMessageContext } from "./memphis-message.js";

/** Construction parameters of a `MemphisSubscription`. */
export interface MemphisSubscriptionProps {
  /** The SDK consumer of the consumer group. */
  readonly consumer: Consumer;
  /** Largest fetch (the SDK takes 1..5000; the contract's BATCH_SIZE stays below); smaller while fewer messages are waiting. */
  readonly batchSize: number;
  /** Passed to every delivered message. */
  readonly messageContext: MemphisMessageContext;
  /** Called with fetch failures; the loop backs off and fetches again. */
  readonly onError: (error: Error) => void;
  /** Called once the subscription has stopped (the broker forgets it). */
  readonly onStopped?: () => void;
}

export class MemphisSubscription implements Subscription {
  private readonly buffer: MemphisDeliveredMessage[] = [];
  private readonly messageArrived = new Notifier();
  private readonly demand = new Notifier();
  /** A caller is waiting in the iterator for a message. */
  private waiting = false;
  /** Aborted by `stop()`: ends a back-off pause early. */
  private readonly stopRequested = new AbortController();
  private stopped = false;
  private readonly loop: Promise<void>;
  private readonly sizer: FetchSizer;

  constructor(private readonly props: MemphisSubscriptionProps) {
    this.sizer = new FetchSizer({ maxBatchSize: props.batchSize });
    this.loop = this.pull();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<DeliveredMessage> {
    for (;;) {
      const next = this.buffer.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.stopped) return;
      this.waiting = true;
      this.demand.notify();
      await this.messageArrived.wait();
      this.waiting = false;
    }
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      for (const message of this.buffer.splice(0)) message.handBack();
      this.messageArrived.notify();
      this.demand.notify();
      this.stopRequested.abort();
    }
    await this.loop;
  }

  private async pull(): Promise<void> {
    let backoff: number = MEMPHIS_DEFAULTS.fetchRetryMinBackoffMs;
    while (!this.stopped) {
      if (!this.waiting || this.buffer.length > 0) {
        await this.demand.wait();
        continue;
      }
      let batch: MemphisDeliveredMessage[];
      try {
        const requested = this.sizer.next;
        const messages = await this.props.consumer.fetch({ batchSize: requested });
        const last = messages.at(-1);
        this.sizer.record(requested, messages.length, last === undefined ? undefined : pendingOf(last));
        batch = messages.map((m) => new MemphisDeliveredMessage(m, this.props.messageContext));
        backoff = MEMPHIS_DEFAULTS.fetchRetryMinBackoffMs;
      } catch (error) {
        if (this.stopped) break;
        this.props.onError(error instanceof Error ? error : new Error(String(error)));
        await this.pause(backoff);
        backoff = Math.min(backoff * 2, MEMPHIS_DEFAULTS.fetchRetryMaxBackoffMs);
        continue;
      }
      if (this.stopped) {
        // Arrived after stop(): the SDK's stop() does not cancel a fetch in flight. Hand it back.
        for (const message of batch) message.handBack();
        break;
      }
      if (batch.length > 0) {
        this.buffer.push(...batch);
        this.messageArrived.notify();
      }
    }
    this.messageArrived.notify();
    this.props.onStopped?.();
  }

  /** Sleep `ms`, or less when `stop()` is called meanwhile. */
  private async pause(ms: number): Promise<void> {
    await sleep(ms, this.stopRequested.signal);
  }
}
