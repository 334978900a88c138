/**
 * The pull loop: one subscription of the consumer group, read by CONCURRENCY workers (1: strictly in
 * order). A worker asks the subscription for its next message only once it is free, so nothing is
 * taken that cannot start; concurrent asks of the shared iterator are served in order. The loop
 * opens the subscription once: re-establishing it after failures (consumer group deleted, server
 * restarted, missed heartbeats) is the subscription's own (broker/common/jetstream/pull-subscription.ts).
 * A subscription that cannot be opened, or that ends while not stopped (its connection closed for
 * good), fails the run, and the process exits to be started again. On shutdown: stop pulling (buffered messages are handed back by the subscription), let in-flight
 * messages finish until the hand-back deadline, then hand the rest back, and wait for every ack
 * confirmation still outstanding (acks are pipelined: see `SettleWindow`) before returning, so the
 * caller closes the connection only after the last settle.
 *
 * Per message the loop awaits only the iterator and the processor, and admits the settle to the
 * window synchronously while it has room: each promise less is CPU and garbage at work 0
 * (docs/benchmarks.md, "Where the time goes").
 */
import type { Broker, DeliveredMessage } from "../../broker/port.js";
import type { Logger } from "../../runtime/logger.js";
import type { Readiness } from "../../runtime/readiness.js";
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
    dead_letter_failed: 0,
    handed_back: 0,
    unsettled: 0,
  };
  /** Workers holding a message now. */
  private busy = 0;
  private readonly handBack = new AbortController();
  private readonly settles: SettleWindow;
  private readonly countOutcome = (outcome: ProcessOutcome): void => {
    this.counts[outcome]++;
  };

  constructor(private readonly props: ConsumerProps) {
    this.settles = new SettleWindow(
      props.maxUnconfirmedSettles ?? 2 * Math.max(props.batchSize, props.concurrency),
    );
  }

  summary(): ConsumerSummary {
    return { ...this.counts };
  }

  /**
   * Consume until `signal` aborts, then drain. Rejects (after draining) when the subscription cannot
   * be opened or ends while not stopped.
   */
  async run(signal: AbortSignal): Promise<ConsumerSummary> {
    const deadline = this.handBackDeadline(signal);
    try {
      if (!signal.aborted) await this.consume(signal);
    } finally {
      deadline.cancel();
    }
    return this.summary();
  }

  /** Open the subscription, work through it with CONCURRENCY workers until it ends, then drain the settles. */
  private async consume(signal: AbortSignal): Promise<void> {
    const { logger, readiness } = this.props;
    const subscription = await this.props.broker.consume({ batchSize: this.props.batchSize });
    readiness.set(SUBSCRIBED, true);
    logger.info({ batchSize: this.props.batchSize, concurrency: this.props.concurrency }, "consuming");
    const stop = (): void => void subscription.stop();
    signal.addEventListener("abort", stop, { once: true });
    if (signal.aborted) stop(); // aborted while the subscription was being opened
    const messages = subscription[Symbol.asyncIterator]();
    const workers = Array.from({ length: this.props.concurrency }, () => this.work(messages, signal));
    const ended = await Promise.allSettled(workers);
    signal.removeEventListener("abort", stop);
    readiness.set(SUBSCRIBED, false);
    await this.settles.drain();
    const failed = ended.find((worker) => worker.status === "rejected");
    if (failed) throw new Error("the subscription failed", { cause: failed.reason });
    if (!signal.aborted) throw new Error("the subscription ended without being stopped (connection closed)");
  }

  /**
   * One worker: take a message, handle it, admit its settle, until the subscription ends or `signal`
   * aborts. Rejects when the subscription failed.
   */
  private async work(messages: AsyncIterator<DeliveredMessage>, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const next = await messages.next();
      if (next.done) break;
      // A message yielded after the stop is still ours to settle: an aborted signal hands it back.
      const handBack = signal.aborted ? AbortSignal.abort() : this.handBack.signal;
      this.busy++;
      let handled: Handled;
      try {
        handled = await this.props.processor.handle(next.value, handBack);
      } catch (error) {
        this.counts.unsettled++;
        this.props.logger.error({ err: error }, "processing crashed");
        continue;
      } finally {
        this.busy--;
      }
      // The worker takes its next message once the settle is admitted (at once while there is room).
      const full = this.settles.add(handled.outcome, this.countOutcome);
      if (full) await full;
    }
  }

  /**
   * Once `signal` aborts, in-flight messages may run `handBackAfterMs` more before they are handed
   * back. `cancel()` when the run ends.
   */
  private handBackDeadline(signal: AbortSignal): { cancel(): void } {
    let timer: NodeJS.Timeout | undefined;
    const start = (): void => {
      if (this.busy > 0)
        this.props.logger.info(
          { inFlight: this.busy, handBackAfterMs: this.props.handBackAfterMs },
          "draining in-flight messages",
        );
      timer = setTimeout(() => this.handBack.abort(), this.props.handBackAfterMs);
    };
    signal.addEventListener("abort", start, { once: true });
    return {
      cancel: () => {
        signal.removeEventListener("abort", start);
        clearTimeout(timer);
      },
    };
  }
}
