/**
 * The part of a NATS connection that the JetStream pull session and the ack confirmer use, typed
 * structurally so that both NATS client generations satisfy it: `@nats-io/nats-core` 3 (the NATS
 * adapter's own connection) and `nats` 2 (the connection inside memphis-dev 1.3.2,
 * `memphis.brokerManager`). Both declare these members with these shapes (nats-core
 * lib/core.d.ts and nats lib/nats-base-client/core.d.ts: `NatsConnection.subscribe/publish/flush/
 * isClosed`, `Subscription.drain/isClosed/unsubscribe`, `Msg.subject/reply/data/headers`,
 * `MsgHdrs.code/description/get/keys`).
 */

/** Headers of a received message, including the status of a JetStream pull request. */
export interface JetStreamHeaders {
  /** Status code of a status message (100 heartbeat, 404, 408, 409, 503), 0 otherwise. */
  readonly code: number;
  readonly description: string;
  /** The first value of `key`, or "" when absent. */
  get(key: string): string;
  keys(): string[];
}

/** A received message. */
export interface JetStreamMsg {
  readonly subject: string;
  /** A stored message's JetStream ack subject (`$JS.ACK.…`). */
  readonly reply?: string | undefined;
  readonly data: Uint8Array;
  readonly headers?: JetStreamHeaders | undefined;
}

/** A subscription of the connection. */
export interface JetStreamSubscription {
  /** UNSUB, then wait until everything the server sent before it was processed. */
  drain(): Promise<void>;
  unsubscribe(): void;
  isClosed(): boolean;
}

/** The connection; `M` is the client's own message type (handed back to the adapter unchanged). */
export interface JetStreamConnection<M extends JetStreamMsg = JetStreamMsg> {
  subscribe(
    subject: string,
    options: { callback: (error: Error | null, msg: M) => void; queue?: string },
  ): JetStreamSubscription;
  publish(subject: string, data?: Uint8Array, options?: { reply?: string }): void;
  /** Resolves once the server answered a PING written after everything written so far. */
  flush(): Promise<void>;
  isClosed(): boolean;
}
