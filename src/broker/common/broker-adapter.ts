/**
 * What both adapters do the same way around their own connection: the port's connection events,
 * the open subscriptions (stopped, handing back what they buffered, before the connection is
 * drained), `close()` run once, and the queue depth read from the monitoring endpoint (./jsz.ts)
 * with the broker's naming. An adapter adds how it connects, provisions, publishes and opens a pull
 * subscription.
 */
import type { BrokerOptions } from "../options.js";
import type {
  Broker,
  BrokerEvent,
  BrokerKind,
  ConsumeOptions,
  OutgoingMessage,
  PublishAck,
  QueueDepth,
  Subscription,
} from "../port.js";
import { BrokerEvents } from "./broker-events.js";
import type { BrokerNaming } from "./broker-naming.js";
import { CloseOnce } from "./close-once.js";
import { readQueueDepth } from "./jsz.js";

/** The NATS connection `close()` drains: the NATS client's own, or the one inside the Memphis SDK. */
export interface DrainableConnection {
  isClosed(): boolean;
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** What the adapter wires into a subscription it opens. */
export interface SubscriptionHooks {
  /** Where the subscription reports failures and recoveries. */
  readonly emit: (event: BrokerEvent) => void;
  /** To be called once the subscription's `stop()` has finished. */
  readonly onStopped: (subscription: Subscription) => void;
}

export abstract class BrokerAdapter implements Broker {
  abstract readonly kind: BrokerKind;
  protected readonly events = new BrokerEvents();
  private readonly subscriptions = new Set<Subscription>();
  private readonly closer = new CloseOnce(() => this.closeOnce());

  protected constructor(
    protected readonly options: BrokerOptions,
    private readonly naming: BrokerNaming,
  ) {}

  abstract provision(): Promise<void>;
  abstract publish(message: OutgoingMessage): Promise<PublishAck>;

  /** The connection `close()` drains. */
  protected abstract connection(): DrainableConnection;

  /** Open a pull subscription of the consumer group (a missing group fails fast). */
  protected abstract openSubscription(
    options: ConsumeOptions,
    hooks: SubscriptionHooks,
  ): Promise<Subscription>;

  async consume(options: ConsumeOptions): Promise<Subscription> {
    if (this.closing) throw new Error("broker is closed");
    const subscription = await this.openSubscription(options, {
      emit: (event) => this.events.emit(event),
      onStopped: (stopped) => this.subscriptions.delete(stopped),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  queueDepth(): Promise<QueueDepth> {
    return readQueueDepth(this.options, this.naming);
  }

  onEvent(listener: (event: BrokerEvent) => void): () => void {
    return this.events.on(listener);
  }

  /** Stop open subscriptions (handing back buffered messages), then drain. The consumer group stays. */
  close(): Promise<void> {
    return this.closer.run();
  }

  /** Whether `close()` has begun. */
  protected get closing(): boolean {
    return this.closer.started;
  }

  private async closeOnce(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    const connection = this.connection();
    if (connection.isClosed()) return;
    try {
      await connection.drain();
    } catch {
      await connection.close();
    }
  }
}
