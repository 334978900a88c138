/**
 * A pull subscription of the durable consumer group, built from one `consumer.fetch()` at a time:
 * a pull request for `batchSize` messages that ends when filled or after `pullExpiresMs`, then the
 * next one. It re-establishes itself after failures (consumer deleted and recreated, server
 * restart, missed heartbeats): a failed or empty-handed pull makes it look the consumer up again
 * with back-off and pull again (the loop of nats.js jetstream/examples/07_consume_jobs.js).
 *
 * Why not `consume()`: its refill pulls are queued behind buffered messages and would be sent
 * after the subscription stops, to an inbox nobody listens to any more; nats-server 2.9 still
 * delivers to such a request, so the handed-back messages would sit there until AckWait. With one
 * explicit request at a time, `stop()` waits for that request to end (at most `pullExpiresMs`),
 * then hands back (nak without delay) every message the client holds but did not yield, so another
 * subscription gets them at once instead of after AckWait.
 */
import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import type { BrokerEvent, DeliveredMessage, Subscription } from "../port.js";
import { NATS_DEFAULTS } from "./defaults.js";
import { AckConfirmer, NatsDeliveredMessage, type DeliveryContext } from "./delivered-message.js";

/** What a subscription needs; wired by the broker. */
export interface NatsSubscriptionProps {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly stream: string;
  readonly consumerGroup: string;
  readonly deadLetterStream: string;
  /** The app's bound on deliveries. */
  readonly maxDeliveries: number;
  /** Messages requested per pull. */
  readonly batchSize: number;
  /** Pull request expiry. @default NATS_DEFAULTS.pullExpiresMs */
  readonly pullExpiresMs?: number;
  /** Where failures and recoveries are reported. */
  readonly emit: (event: BrokerEvent) => void;
  /** Called once `stop()` has finished. */
  readonly onStopped?: (subscription: NatsSubscription) => void;
}

/** One pull request and its iterator (shared by the subscription's iterator and `stop()`). */
interface Pull {
  readonly messages: ConsumerMessages;
  readonly iterator: AsyncIterator<JsMsg>;
}

export class NatsSubscription implements Subscription {
  private readonly context: DeliveryContext;
  private readonly pullExpiresMs: number;
  private consumer: Consumer | undefined;
  private pull: Pull | undefined;
  private stopping = false;
  /** Messages received after stop() began, to hand back. */
  private readonly held: JsMsg[] = [];
  /** A pull request being sent, so that stop() can wait for it and drain it too. */
  private starting: Promise<unknown> | undefined;
  private iterating = false;
  private stopPromise: Promise<void> | undefined;
  private readonly wake = new AbortController();

  private constructor(private readonly props: NatsSubscriptionProps) {
    this.pullExpiresMs = props.pullExpiresMs ?? NATS_DEFAULTS.pullExpiresMs;
    this.context = {
      nc: props.nc,
      js: props.js,
      stream: props.stream,
      deadLetterStream: props.deadLetterStream,
      maxDeliveries: props.maxDeliveries,
      acks: new AckConfirmer(props.nc),
    };
  }

  /** Look the consumer group up before returning, so a missing one fails fast. */
  static async open(props: NatsSubscriptionProps): Promise<NatsSubscription> {
    if (!Number.isSafeInteger(props.batchSize) || props.batchSize < 1)
      throw new Error(`BATCH_SIZE must be a positive integer, got ${props.batchSize}`);
    const subscription = new NatsSubscription(props);
    subscription.consumer = await props.js.consumers
      .get(props.stream, props.consumerGroup)
      .catch((error: unknown) => {
        throw new Error(
          `consumer group "${props.consumerGroup}" on stream "${props.stream}" is not available (provision first): ${(error as Error).message}`,
          { cause: error },
        );
      });
    return subscription;
  }

  [Symbol.asyncIterator](): AsyncIterator<DeliveredMessage> {
    if (this.iterating) throw new Error("a subscription can be iterated only once");
    this.iterating = true;
    return this.iterate();
  }

  private get active(): boolean {
    return !this.stopping && !this.props.nc.isClosed();
  }

  private async *iterate(): AsyncGenerator<DeliveredMessage> {
    let failures = 0;
    try {
      while (this.active) {
        const pull = await this.startPull(failures);
        if (!pull) break;
        const startedAt = Date.now();
        let received = 0;
        try {
          for (;;) {
            const next = await pull.iterator.next();
            if (next.done) break;
            received++;
            if (this.stopping) {
              this.held.push(next.value); // stop() hands it back
              continue;
            }
            yield new NatsDeliveredMessage(next.value, this.context);
          }
          // A request that ends empty long before its expiry was refused: back off instead of spinning.
          const refused = received === 0 && Date.now() - startedAt < this.pullExpiresMs / 2;
          failures = refused ? failures + 1 : 0;
        } catch (error) {
          if (this.active) {
            failures++;
            this.consumer = undefined; // look it up again: it may have been deleted, or the server restarted
            this.props.emit({
              type: "error",
              error: new Error(`pull from "${this.props.consumerGroup}" failed: ${(error as Error).message}`),
            });
          }
        }
        if (this.pull === pull) this.pull = undefined;
      }
    } finally {
      // Ended, or abandoned by the caller (`break`): hand back whatever is still buffered.
      await this.stop();
    }
  }

  /** Next pull request; waits (with back-off, interrupted by stop) for the consumer. Undefined once stopping. */
  private async startPull(failures: number): Promise<Pull | undefined> {
    let attempt = failures;
    while (this.active) {
      if (attempt > 0) await this.sleep(backoff(attempt));
      if (!this.active) return undefined;
      attempt++;
      try {
        if (!this.consumer) {
          this.consumer = await this.props.js.consumers.get(this.props.stream, this.props.consumerGroup);
          if (attempt > 1) this.props.emit({ type: "reconnected" });
        }
        if (!this.active) return undefined;
        const fetching = this.consumer.fetch({
          max_messages: this.props.batchSize,
          expires: this.pullExpiresMs,
        });
        this.starting = fetching;
        const messages = await fetching;
        this.pull = { messages, iterator: messages[Symbol.asyncIterator]() };
        this.starting = undefined;
        return this.pull;
      } catch (error) {
        this.starting = undefined;
        this.consumer = undefined;
        if (attempt === 1 || attempt % 10 === 0)
          this.props.emit({
            type: "error",
            error: new Error(`pulling from "${this.props.consumerGroup}": ${(error as Error).message}`),
          });
      }
    }
    return undefined;
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.wake.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
    });
  }

  stop(): Promise<void> {
    this.stopPromise ??= this.doStop().finally(() => this.props.onStopped?.(this));
    return this.stopPromise;
  }

  /**
   * Let the open pull request end (filled or expired: nothing is sent to a dead inbox), keeping
   * what it brings, then hand all of it back at once.
   */
  private async doStop(): Promise<void> {
    this.stopping = true;
    this.wake.abort();
    await this.starting?.catch(() => {});
    const pull = this.pull;
    if (pull) {
      try {
        for (;;) {
          const next = await pull.iterator.next();
          if (next.done) break;
          this.held.push(next.value);
        }
      } catch {
        // the request ended with an error: nothing more comes
      }
      // A next() of the iterator that was already waiting resolves before ours: let it record its message.
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const m of this.held.splice(0)) m.nak();
    if (!this.props.nc.isClosed()) await this.props.nc.flush().catch(() => {});
  }
}

function backoff(attempt: number): number {
  return Math.min(
    NATS_DEFAULTS.resubscribeMaxBackoffMs,
    NATS_DEFAULTS.resubscribeMinBackoffMs * 2 ** Math.max(0, attempt - 1),
  );
}
