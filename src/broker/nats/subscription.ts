/**
 * A pull subscription of the durable consumer group over a `PullSession` (one inbox, the next pull
 * request in flight while the caller works through what arrived: see pull-session.ts). It
 * re-establishes itself after failures (consumer deleted and recreated, server restart, missed
 * heartbeats): a failed session, or one whose requests come back refused at once, makes it look the
 * consumer up again with back-off and open a new session (the loop of nats.js
 * jetstream/examples/07_consume_jobs.js).
 *
 * When the group elects a new leader (a node died or stalled), the server announces it on
 * `$JS.EVENT.ADVISORY.CONSUMER.LEADER_ELECTED.<stream>.<consumer>` (nats-server
 * server/jetstream_cluster.go `sendConsumerLeaderElectAdvisory`; nats-server 2.9.10 sends the open
 * pull requests no status when the leader changes). The session is then replaced at
 * once instead of after two missed heartbeats.
 *
 * `stop()` ends the session in one round trip, idle or not, and hands back (nak without delay)
 * every message the client holds but did not yield, so another subscription gets them at once
 * instead of after AckWait; no pull request is sent after it began.
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import type { Msg, NatsConnection, Subscription as NatsSub } from "@nats-io/nats-core";
import type { BrokerEvent, DeliveredMessage, Subscription } from "../port.js";
import { NATS_DEFAULTS } from "./defaults.js";
import { AckConfirmer, NatsDeliveredMessage, type DeliveryContext } from "./delivered-message.js";
import { PullSession } from "./pull-session.js";

/** What a subscription needs; wired by the broker. */
export interface NatsSubscriptionProps {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly stream: string;
  readonly consumerGroup: string;
  readonly deadLetterStream: string;
  /** The app's bound on deliveries. */
  readonly maxDeliveries: number;
  /** Messages requested or buffered, at most. */
  readonly batchSize: number;
  /** Pull request expiry. @default NATS_DEFAULTS.pullExpiresMs */
  readonly pullExpiresMs?: number;
  /** Where failures and recoveries are reported. */
  readonly emit: (event: BrokerEvent) => void;
  /** Called once `stop()` has finished. */
  readonly onStopped?: (subscription: NatsSubscription) => void;
}

export class NatsSubscription implements Subscription {
  private readonly context: DeliveryContext;
  /** The consumer group was found (at open, or after the last failure). */
  private found = true;
  private session: PullSession | undefined;
  private stopping = false;
  private iterating = false;
  private stopPromise: Promise<void> | undefined;
  private readonly wake = new AbortController();
  private readonly leaderMoves: NatsSub;

  private constructor(private readonly props: NatsSubscriptionProps) {
    this.leaderMoves = props.nc.subscribe(leaderElectedSubject(props.stream, props.consumerGroup), {
      callback: () => this.session?.interrupt(`the leader of "${props.consumerGroup}" moved`),
    });
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
      throw new Error(`batchSize must be a positive integer, got ${props.batchSize}`);
    await props.js.consumers.get(props.stream, props.consumerGroup).catch((error: unknown) => {
      throw new Error(
        `consumer group "${props.consumerGroup}" on stream "${props.stream}" is not available (provision first): ${(error as Error).message}`,
        { cause: error },
      );
    });
    const subscription = new NatsSubscription(props);
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
        const session = await this.startSession(failures);
        if (!session) break;
        try {
          for (;;) {
            const msg = await session.next();
            if (msg === undefined) break; // stopping
            failures = 0;
            const message = this.deliver(msg);
            if (message) yield message;
          }
        } catch (error) {
          if (this.active) {
            failures++;
            this.found = false; // look it up again: it may have been deleted, or the server restarted
            this.props.emit({
              type: "error",
              error: new Error(`pull from "${this.props.consumerGroup}" failed: ${(error as Error).message}`),
            });
            this.handBack(await session.stop());
          }
        }
        if (this.session === session) this.session = undefined;
      }
    } finally {
      // Ended, or abandoned by the caller (`break`): hand back whatever is still buffered.
      await this.stop();
    }
  }

  private deliver(msg: Msg): NatsDeliveredMessage | undefined {
    try {
      return new NatsDeliveredMessage(msg, this.context);
    } catch (error) {
      this.props.emit({ type: "error", error: error as Error });
      return undefined;
    }
  }

  /** A new session once the consumer is found; waits (with back-off, interrupted by stop). Undefined once stopping. */
  private async startSession(failures: number): Promise<PullSession | undefined> {
    let attempt = failures;
    while (this.active) {
      if (attempt > 0) await this.sleep(backoff(attempt));
      if (!this.active) return undefined;
      attempt++;
      try {
        if (!this.found) {
          await this.props.js.consumers.get(this.props.stream, this.props.consumerGroup);
          this.found = true;
          this.props.emit({ type: "reconnected" });
        }
        if (!this.active) return undefined;
        this.session = new PullSession({
          nc: this.props.nc,
          stream: this.props.stream,
          consumer: this.props.consumerGroup,
          batchSize: this.props.batchSize,
          expiresMs: this.props.pullExpiresMs,
        });
        return this.session;
      } catch (error) {
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

  /** End the session (one round trip) and hand back everything it received and did not yield. */
  private async doStop(): Promise<void> {
    this.stopping = true;
    this.wake.abort();
    this.leaderMoves.unsubscribe();
    const session = this.session;
    this.session = undefined;
    if (session) this.handBack(await session.stop());
    if (!this.props.nc.isClosed()) await this.props.nc.flush().catch(() => {});
  }

  private handBack(messages: readonly Msg[]): void {
    if (this.props.nc.isClosed()) return; // gone with the connection: the server redelivers after AckWait
    for (const msg of messages) this.deliver(msg)?.handBack();
  }
}

/** Where the server announces a new leader of the consumer group `consumer` of `stream`. */
export function leaderElectedSubject(stream: string, consumer: string): string {
  return `$JS.EVENT.ADVISORY.CONSUMER.LEADER_ELECTED.${stream}.${consumer}`;
}

function backoff(attempt: number): number {
  return Math.min(
    NATS_DEFAULTS.resubscribeMaxBackoffMs,
    NATS_DEFAULTS.resubscribeMinBackoffMs * 2 ** Math.max(0, attempt - 1),
  );
}
