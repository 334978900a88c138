/**
 * A pull subscription of a durable JetStream consumer group over a `PullSession` (one inbox, the
 * next pull request in flight while the caller works through what arrived: see pull-session.ts),
 * for both adapters: the NATS stream and durable, or a Memphis station's stream `<station>$1` and
 * its group's durable. It re-establishes itself after failures (consumer deleted and recreated,
 * server restart, missed heartbeats): a failed session, or one whose requests come back refused at
 * once, makes it look the consumer up again with back-off and open a new session (the loop of
 * nats.js jetstream/examples/07_consume_jobs.js). It is the one place a subscription is
 * re-established: the consumer app opens it once and leaves recovery to it.
 *
 * When the group elects a new leader (a node died or stalled), the server announces it on
 * `$JS.EVENT.ADVISORY.CONSUMER.LEADER_ELECTED.<stream>.<consumer>` (nats-server
 * server/jetstream_cluster.go `sendConsumerLeaderElectAdvisory`; nats-server 2.9.10 sends the open
 * pull requests no status when the leader changes). Where the adapter asks for it
 * (`watchLeader`), the session is then replaced at once instead of after two missed heartbeats.
 *
 * `stop()` ends the session in one round trip, idle or not, and hands back (nak without delay)
 * every message the client holds but did not yield, so another subscription gets them at once
 * instead of after AckWait; no pull request is sent after it began.
 */
import type { BrokerEvent, DeliveredMessage, Subscription } from "../../port.js";
import type { JetStreamConnection, JetStreamMsg, JetStreamSubscription } from "./connection.js";
import { backoffDelay, BROKER_DEFAULTS } from "../../defaults.js";
import { PullSession } from "./pull-session.js";

/** A delivered message the subscription can hand back unsettled (on stop, or when a session fails). */
export interface HandBackable extends DeliveredMessage {
  /** Nak without delay, written and not flushed. */
  handBack(): void;
}

/**
 * Messages that reach the consumer group beside its pull requests (Memphis: the broker's
 * dead-letter re-sends); yielded before the session's.
 */
export interface SideSource {
  /** The next one received and not taken. */
  take(): HandBackable | undefined;
  /** Call `wake` whenever one arrives. */
  onArrival(wake: () => void): void;
  /** Stop receiving; resolves with those received and not taken. */
  stop(): Promise<HandBackable[]>;
}

/** What a pull subscription needs; wired by the adapter. */
export interface PullSubscriptionProps<M extends JetStreamMsg> {
  readonly nc: JetStreamConnection<M>;
  /** JetStream stream name. */
  readonly stream: string;
  /** Durable name of the consumer group. */
  readonly durable: string;
  /** The consumer group as the app names it, for messages. */
  readonly groupName: string;
  /** Messages requested or buffered, at most. */
  readonly batchSize: number;
  /** Pull request expiry. @default BROKER_DEFAULTS.jetstream.pullExpiresMs */
  readonly pullExpiresMs?: number;
  /** Resolves when the durable exists, rejects otherwise (a JetStream consumer info). */
  readonly lookUp: () => Promise<void>;
  /** The port's message for a stored message; throws when it is not a JetStream delivery. */
  readonly deliver: (msg: M) => HandBackable;
  /** Replace the session as soon as the server announces a new leader of the group. */
  readonly watchLeader: boolean;
  /** Opens the source of messages arriving beside the pull requests, once the durable was found. @default none */
  readonly openSide?: () => SideSource;
  /** Where failures and recoveries are reported. */
  readonly emit: (event: BrokerEvent) => void;
  /** Called once `stop()` has finished. */
  readonly onStopped?: (subscription: PullSubscription<M>) => void;
}

export class PullSubscription<M extends JetStreamMsg> implements Subscription {
  /** The consumer group was found (at open, or after the last failure). */
  private found = true;
  private session: PullSession<M> | undefined;
  private stopping = false;
  private iterating = false;
  private stopPromise: Promise<void> | undefined;
  private readonly wake = new AbortController();
  private readonly leaderMoves: JetStreamSubscription | undefined;
  private readonly side: SideSource | undefined;

  private constructor(private readonly props: PullSubscriptionProps<M>) {
    if (props.watchLeader)
      this.leaderMoves = props.nc.subscribe(leaderElectedSubject(props.stream, props.durable), {
        callback: (error) => {
          if (!error) this.session?.interrupt(`the leader of "${props.groupName}" moved`);
        },
      });
    this.side = props.openSide?.();
    this.side?.onArrival(() => this.session?.nudge());
  }

  /** Look the consumer group up before returning, so a missing one fails fast. */
  static async open<M extends JetStreamMsg>(props: PullSubscriptionProps<M>): Promise<PullSubscription<M>> {
    if (!Number.isSafeInteger(props.batchSize) || props.batchSize < 1)
      throw new Error(`batchSize must be a positive integer, got ${props.batchSize}`);
    await props.lookUp().catch((error: unknown) => {
      throw new Error(
        `consumer group "${props.groupName}" on stream "${props.stream}" is not available (provision first): ${(error as Error).message}`,
        { cause: error },
      );
    });
    return new PullSubscription(props);
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
            const side = this.side?.take();
            if (side) {
              yield side;
              continue;
            }
            const msg = session.take() ?? (await session.next());
            if (msg === undefined) {
              if (session.stopped) break;
              continue; // nudged: a side message arrived
            }
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
              error: new Error(`pull from "${this.props.groupName}" failed: ${(error as Error).message}`),
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

  private deliver(msg: M): HandBackable | undefined {
    try {
      return this.props.deliver(msg);
    } catch (error) {
      this.props.emit({ type: "error", error: error as Error });
      return undefined;
    }
  }

  /** A new session once the consumer is found; waits (with back-off, interrupted by stop). Undefined once stopping. */
  private async startSession(failures: number): Promise<PullSession<M> | undefined> {
    let attempt = failures;
    while (this.active) {
      if (attempt > 0) await this.sleep(backoffDelay(BROKER_DEFAULTS.jetstream.resubscribeBackoff, attempt));
      if (!this.active) return undefined;
      attempt++;
      try {
        if (!this.found) {
          await this.props.lookUp();
          this.found = true;
          this.props.emit({ type: "reconnected" });
        }
        if (!this.active) return undefined;
        this.session = new PullSession({
          nc: this.props.nc,
          stream: this.props.stream,
          consumer: this.props.durable,
          batchSize: this.props.batchSize,
          expiresMs: this.props.pullExpiresMs,
        });
        return this.session;
      } catch (error) {
        if (attempt === 1 || attempt % 10 === 0)
          this.props.emit({
            type: "error",
            error: new Error(`pulling from "${this.props.groupName}": ${(error as Error).message}`),
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
    this.leaderMoves?.unsubscribe();
    const session = this.session;
    this.session = undefined;
    const [held, side] = await Promise.all([session?.stop() ?? [], this.side?.stop() ?? []]);
    this.handBack(held);
    if (!this.props.nc.isClosed()) for (const message of side) message.handBack();
    if (!this.props.nc.isClosed()) await this.props.nc.flush().catch(() => {});
  }

  private handBack(messages: readonly M[]): void {
    if (this.props.nc.isClosed()) return; // gone with the connection: the server redelivers after AckWait
    for (const msg of messages) this.deliver(msg)?.handBack();
  }
}

/** Where the server announces a new leader of the consumer group `consumer` of `stream`. */
export function leaderElectedSubject(stream: string, consumer: string): string {
  return `$JS.EVENT.ADVISORY.CONSUMER.LEADER_ELECTED.${stream}.${consumer}`;
}
