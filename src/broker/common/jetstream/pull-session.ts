/**
 * One pull session of the durable consumer group, at the protocol level: a single inbox
 * subscription, and pull requests (`$JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer>`) sent to it
 * one at a time, each for what fits under `batchSize`: the messages asked for plus those buffered
 * never exceed `batchSize` (nothing is over-fetched), and while the caller works through the buffer
 * the next request goes out as soon as half of that room is free, so it is in flight before the
 * buffer runs dry. Pulls follow demand: with nothing buffered, only a caller waiting for a message
 * gets a request sent.
 *
 * Why not the client's `fetch()` / `consume()` (or memphis-dev's `consumer.fetch()`, a nats.js
 * `fetch()` that waits at least 1 s unless its batch fills): a `fetch()` per batch costs a
 * subscription and a round trip with nothing in flight; and both end by unsubscribing locally at once, so a message the
 * server sent just before the UNSUB reached it is dropped by the client and sits unacknowledged
 * until AckWait. Here `stop()` drains the inbox instead (UNSUB, then PING: whatever the server sent
 * before it processed the UNSUB arrives before the PONG and is kept), and from then on the server
 * serves no request of this session: nats-server only delivers to a waiting pull request whose reply
 * subject still has interest (nats-io/nats-server server/consumer.go `nextWaiting`, v2.9 onwards:
 * `rr := wr.acc.sl.Match(wr.interest); if len(rr.psubs)+len(rr.qsubs) > 0 { return o.waiting.pop() }`).
 * So an idle session stops in one round trip instead of waiting for its request to expire, and no
 * request is ever sent after `stop()` began.
 *
 * Every request has its own reply subject (`<inbox>.<n>`): status messages (idle heartbeat 100,
 * expiry 408, 409, no responders 503) come on it and name the request they end, while stored
 * messages arrive on their own subject. The session fails (the subscription re-establishes itself)
 * on a status that means the consumer is gone, and when an open request sees neither a message nor
 * a heartbeat for two heartbeat intervals (server restarted, connection lost). Status codes and
 * headers as in nats.js jetstream/src/consumer.ts (`PullConsumerMessagesImpl`).
 */
import { randomBytes } from "node:crypto";
// Imported: on Node 20 the global `performance` is a lazy accessor that runs on every read.
import { performance } from "node:perf_hooks";
import type { JetStreamConnection, JetStreamMsg, JetStreamSubscription } from "./connection.js";
import { BROKER_DEFAULTS } from "../../defaults.js";

/** What a pull session needs; wired by the subscription. */
export interface PullSessionProps<M extends JetStreamMsg> {
  /** The NATS adapter's connection, or the one inside the Memphis SDK. */
  readonly nc: JetStreamConnection<M>;
  /** The JetStream stream (on Memphis: the station's `<station>$1`). */
  readonly stream: string;
  /** Durable name of the consumer group. */
  readonly consumer: string;
  /** Messages asked for plus buffered, at most. */
  readonly batchSize: number;
  /** Lifetime of one pull request. @default BROKER_DEFAULTS.jetstream.pullExpiresMs */
  readonly expiresMs?: number;
}

const encoder = new TextEncoder();
/** Status codes that end a pull request without ending the session. */
const REQUEST_ENDED = new Set([404, 408]);

export class PullSession<M extends JetStreamMsg> {
  private readonly inbox: string;
  private readonly requestSubject: string;
  private readonly expiresMs: number;
  private readonly heartbeatMs: number;
  private readonly sub: JetStreamSubscription;
  /** Received and not yet taken, in arrival order (from `head`). */
  private buffer: M[] = [];
  private head = 0;
  private requests = 0;
  /** Reply subject of the open request, undefined when none is open. */
  private openRequest: string | undefined;
  /** Messages the open request may still bring. */
  private outstanding = 0;
  private lastActivity = performance.now();
  private failure: Error | undefined;
  private stopping = false;
  private waiter: (() => void) | undefined;
  /** The caller waits in `next()` with nothing buffered. */
  private asking = false;
  /** `nudge()` was called and no `next()` has returned undefined for it yet. */
  private nudged = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly watchdog: NodeJS.Timeout;

  constructor(private readonly props: PullSessionProps<M>) {
    this.expiresMs = props.expiresMs ?? BROKER_DEFAULTS.jetstream.pullExpiresMs;
    this.heartbeatMs = Math.max(500, Math.floor(this.expiresMs / 2));
    this.inbox = createInbox();
    this.requestSubject = `$JS.API.CONSUMER.MSG.NEXT.${props.stream}.${props.consumer}`;
    this.sub = props.nc.subscribe(`${this.inbox}.*`, {
      callback: (error, msg) => (error ? this.fail(error) : this.receive(msg)),
    });
    this.watchdog = setInterval(() => this.checkHeartbeats(), this.heartbeatMs);
    this.watchdog.unref();
    this.refill();
  }

  /** Messages received and not yet taken. */
  get buffered(): number {
    return this.buffer.length - this.head;
  }

  /** `stop()` has begun. */
  get stopped(): boolean {
    return this.stopping;
  }

  /**
   * The next message; undefined once stopping, or at once when `nudge()` was called since the last
   * call and nothing is buffered. Rejects once the session failed and everything it received has
   * been taken. One caller at a time.
   */
  async next(): Promise<M | undefined> {
    for (;;) {
      if (this.stopping) return undefined;
      const msg = this.take();
      if (msg !== undefined) return msg;
      if (this.failure) throw this.failure;
      if (this.nudged) {
        this.nudged = false;
        return undefined;
      }
      this.asking = true;
      this.refill();
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.asking = false;
    }
  }

  /**
   * The next buffered message without waiting, undefined when none is buffered or the session is
   * stopping. The hot path: the caller awaits `next()` only when this comes back empty, so a message
   * already received costs no suspended call.
   */
  take(): M | undefined {
    if (this.stopping || this.head >= this.buffer.length) return undefined;
    const msg = this.buffer[this.head++]!;
    if (this.head === this.buffer.length) {
      this.buffer = [];
      this.head = 0;
    }
    this.refill();
    return msg;
  }

  /**
   * Stop asking, drain the inbox (see the module comment) and return every message received and
   * not taken, for the caller to hand back. Resolves after one round trip to the server.
   */
  async stop(): Promise<M[]> {
    if (!this.stopping) {
      this.stopping = true;
      this.clearTimers();
      this.wake();
      if (!this.props.nc.isClosed() && !this.sub.isClosed()) await this.sub.drain().catch(() => {});
    }
    const rest = this.buffer.slice(this.head);
    this.buffer = [];
    this.head = 0;
    return rest;
  }

  /**
   * Make a waiting (or the next) `next()` return undefined when nothing is buffered: the caller has
   * another source of messages (Memphis's dead-letter re-sends) to look at. The open request stays
   * open, and what it brings is kept for the next call.
   */
  nudge(): void {
    this.nudged = true;
    this.wake();
  }

  /**
   * End the session from outside (its open request went to a node that no longer leads the group):
   * what was received is still taken first, then `next()` rejects with `reason`.
   */
  interrupt(reason: string): void {
    this.fail(new Error(reason));
  }

  private receive(msg: M): void {
    this.lastActivity = performance.now();
    if (!msg.subject.startsWith(this.inbox)) {
      // A stored message (it arrives on its own subject).
      this.buffer.push(msg);
      if (this.outstanding > 0 && --this.outstanding === 0) {
        this.openRequest = undefined;
        this.refill();
      }
      this.wake();
      return;
    }
    if (msg.subject !== this.openRequest) return; // a late status of a request that already ended
    const code = msg.headers?.code ?? 0;
    if (code === 100) return; // idle heartbeat
    const description = msg.headers?.description ?? "";
    if (
      REQUEST_ENDED.has(code) ||
      (code === 409 && !/consumer (is )?deleted|push based/i.test(description))
    ) {
      this.openRequest = undefined;
      this.outstanding = 0;
      // 409 (max ack pending or max waiting exceeded, leadership change): ask again after a pause.
      if (code === 409)
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.refill();
        }, BROKER_DEFAULTS.jetstream.refusedPullPauseMs);
      else this.refill();
      return;
    }
    this.fail(new Error(`pull request failed: ${code} ${description}`.trim()));
  }

  /**
   * Send the next request when none is open, at least half of `batchSize` is free, and the caller is
   * consuming: it waits for a message, or has buffered ones still to take. A caller busy with what
   * it took and nothing buffered gets nothing pulled for it (no ack deadline starts for messages no
   * one asked for).
   */
  private refill(): void {
    if (this.stopping || this.failure || this.openRequest !== undefined || this.retryTimer) return;
    if (this.buffered === 0 && !this.asking) return;
    const room = this.props.batchSize - this.buffered;
    if (room < Math.ceil(this.props.batchSize / 2)) return;
    this.openRequest = `${this.inbox}.${++this.requests}`;
    this.outstanding = room;
    this.lastActivity = performance.now();
    const request = {
      batch: room,
      expires: this.expiresMs * 1_000_000,
      idle_heartbeat: this.heartbeatMs * 1_000_000,
    };
    try {
      this.props.nc.publish(this.requestSubject, encoder.encode(JSON.stringify(request)), {
        reply: this.openRequest,
      });
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private checkHeartbeats(): void {
    if (this.openRequest === undefined) return;
    if (performance.now() - this.lastActivity > 2 * this.heartbeatMs)
      this.fail(new Error(`no message or heartbeat for ${2 * this.heartbeatMs} ms`));
  }

  private fail(error: Error): void {
    if (this.failure || this.stopping) return;
    this.failure = error;
    this.openRequest = undefined;
    this.clearTimers();
    this.wake();
  }

  private clearTimers(): void {
    clearInterval(this.watchdog);
    clearTimeout(this.retryTimer);
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

/**
 * A unique inbox subject, as the NATS clients make them (`_INBOX.<unique token>`; memphis-dev's own
 * requests use the same prefix, so a Memphis user allowed to make requests may subscribe to it).
 */
function createInbox(): string {
  return `_INBOX.${randomBytes(12).toString("hex")}`;
}
