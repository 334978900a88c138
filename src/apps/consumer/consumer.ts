/**
 * The pull loop: one subscription of the consumer group, messages handed to at most CONCURRENCY
 * workers (1: strictly in order). A failed subscription is re-established with back-off. On
 * shutdown: stop pulling (buffered messages are handed back by the subscription), let in-flight
 * messages finish until the hand-back deadline, then hand the rest back, and wait for every ack
 * confirmation still outstanding (acks are pipelined: see `SettleWindow`) before returning, so the
 * caller closes the connection only after the last settle.
 */
import type { Broker, Subscription } from "../../broker/port.js";
import type { Logger } from "../../runtime/logger.js";
import type { Readiness } from "../../runtime/readiness.js";
import { Semaphore } from "../../util/semaphore.js";
import { sleep } from "../../util/sleep.js";
import type { Handled, ProcessOutcome, Processor } from "./processor.js";
import { SettleWindow } from "./settle-window.js";

export interface ConsumerProps {
  readonly broker: Broker;
  readonly processor: Processor;
  readonly logger: Logger;
  readonly readiness: Readiness;
  readonly concurrency: number;
  readonly batchSize: number;
  /** After shutdown starts, in-flight messages may run this long before they are handed back (ms). */
  readonly handBackAfterMs: number;
  readonly resubscribeMinBackoffMs: number;
  readonly resubscribeMaxBackoffMs: number;
  /**
   * Acks sent but not yet confirmed by the broker, at most (pipelined settles): a worker whose ack
   * would exceed it waits for confirmations to catch up before taking the next message.
   * @default 2 × max(batchSize, concurrency)
   */
  readonly maxUnconfirmedSettles?: number;
}

export type ConsumerSummary = Record<ProcessOutcome, number>;

/** Readiness condition owned by the consumer loop. */
export const SUBSCRIBED = "subscribed";

export class Consumer {
  private readonly counts: ConsumerSummary = {
    processed: 0,
    duplicate: 0,
    retried: 0,
    dead_lettered: 0,
    handed_back: 0,
    unsettled: 0,
  };
  private readonly inFlight = new Set<Promise<void>>();
  private readonly handBack = new AbortController();
  private readonly settles: SettleWindow;

  constructor(private readonly props: ConsumerProps) {
    this.settles = new SettleWindow(
      props.maxUnconfirmedSettles ?? 2 * Math.max(props.batchSize, props.concurrency),
    );
  }

  summary(): ConsumerSummary {
    return { ...this.counts };
  }

  /** Consume until `signal` aborts, then drain. */
  async run(signal: AbortSignal): Promise<ConsumerSummary> {
    const { logger, readiness } = this.props;
    const slots = new Semaphore(this.props.concurrency);
    let backoff = this.props.resubscribeMinBackoffMs;
    while (!signal.aborted) {
      let subscription: Subscription;
      try {
        subscription = await this.props.broker.consume({ batchSize: this.props.batchSize });
      } catch (error) {
        readiness.set(SUBSCRIBED, false);
        logger.warn({ err: error, retryInMs: backoff }, "subscribe failed");
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, this.props.resubscribeMaxBackoffMs);
        continue;
      }
      readiness.set(SUBSCRIBED, true);
      logger.info({ batchSize: this.props.batchSize, concurrency: this.props.concurrency }, "consuming");
      const stop = (): void => void subscription.stop();
      signal.addEventListener("abort", stop, { once: true });
      const messages = subscription[Symbol.asyncIterator]();
      try {
        for (;;) {
          // Take a worker slot before pulling the next message: nothing is taken that cannot start.
          try {
            await slots.acquire(signal);
          } catch {
            break; // shutting down
          }
          const next = await messages.next().catch((error: unknown) => {
            slots.release();
            throw error;
          });
          if (next.done) {
            slots.release();
            break;
          }
          backoff = this.props.resubscribeMinBackoffMs;
          // A message yielded after the stop is still ours to settle: an aborted signal hands it back.
          const handBack = signal.aborted ? AbortSignal.abort() : this.handBack.signal;
          this.track(this.props.processor.handle(next.value, handBack), slots);
        }
      } catch (error) {
        logger.warn({ err: error }, "subscription failed");
      } finally {
        signal.removeEventListener("abort", stop);
      }
      if (!signal.aborted) {
        readiness.set(SUBSCRIBED, false);
        logger.warn({ retryInMs: backoff }, "subscription ended; subscribing again");
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, this.props.resubscribeMaxBackoffMs);
      }
    }
    readiness.set(SUBSCRIBED, false);
    await this.drain();
    return this.summary();
  }

  /** The worker slot is freed once the message is handled and its settle admitted to the window. */
  private track(work: Promise<Handled>, slots: Semaphore): void {
    const done = work.then(
      (handled) =>
        this.settles.add(
          handled.outcome.then((outcome) => {
            this.counts[outcome]++;
          }),
        ),
      (error: unknown) => {
        this.counts.unsettled++;
        this.props.logger.error({ err: error }, "processing crashed");
      },
    );
    const tracked = done.finally(() => {
      slots.release();
      this.inFlight.delete(tracked);
    });
    this.inFlight.add(tracked);
  }

  /** Let in-flight messages finish (handed back past the deadline), then wait for every unconfirmed settle. */
  private async drain(): Promise<void> {
    const pending = this.inFlight.size;
    if (pending > 0) {
      this.props.logger.info(
        { inFlight: pending, handBackAfterMs: this.props.handBackAfterMs },
        "draining in-flight messages",
      );
      const timer = setTimeout(() => this.handBack.abort(), this.props.handBackAfterMs);
      try {
        while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
      } finally {
        clearTimeout(timer);
      }
    }
    await this.settles.drain();
  }
}
