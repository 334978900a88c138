/**
 * The NATS JetStream adapter of the broker port: connection, provisioning, publishing and the pull
 * subscription of its own files, events, subscriptions and closing as both adapters do them
 * (../common/broker-adapter.ts).
 */
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { BrokerAdapter, type DrainableConnection, type SubscriptionHooks } from "../common/broker-adapter.js";
import { watchConnection } from "../common/connection-watch.js";
import { BROKER_DEFAULTS } from "../defaults.js";
import type { BrokerOptions } from "../options.js";
import type { ConsumeOptions, OutgoingMessage, PublishAck, Subscription } from "../port.js";
import { connectNats } from "./connect.js";
import { eventSubject, NATS_NAMING } from "./names.js";
import { provisionAll } from "./provision.js";
import { publishToStream } from "./publish.js";
import { openNatsSubscription } from "./subscription.js";

export class NatsBroker extends BrokerAdapter {
  readonly kind = "nats" as const;
  private readonly js: JetStreamClient;

  private constructor(
    options: BrokerOptions,
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
  ) {
    super(options, NATS_NAMING);
    this.js = jetstream(nc, { timeout: BROKER_DEFAULTS.nats.requestTimeoutMs });
    watchConnection(nc, {
      name: "NATS",
      emit: (event) => this.events.emit(event),
      errorOf: (status) => (status.type === "error" ? status.error : new Error(`NATS status ${status.type}`)),
    });
  }

  /** Connect (retrying transient failures `options.connectRetries` times), then reconnect forever on loss. */
  static async connect(options: BrokerOptions): Promise<NatsBroker> {
    if (options.kind !== "nats") throw new Error(`NatsBroker needs BROKER=nats, got "${options.kind}"`);
    const nc = await connectNats(options);
    try {
      const jsm = await jetstreamManager(nc, { timeout: BROKER_DEFAULTS.nats.requestTimeoutMs });
      return new NatsBroker(options, nc, jsm);
    } catch (error) {
      await nc.close();
      throw new Error(`NATS at ${nc.getServer()} has no JetStream: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  provision(): Promise<void> {
    return provisionAll(this.jsm, this.options, {
      clustered: this.nc.info?.cluster !== undefined,
      url: this.nc.getServer(),
    });
  }

  publish(message: OutgoingMessage): Promise<PublishAck> {
    return publishToStream(this.nc, this.js, eventSubject(this.options.stream), message);
  }

  protected openSubscription(options: ConsumeOptions, hooks: SubscriptionHooks): Promise<Subscription> {
    return openNatsSubscription({
      nc: this.nc,
      js: this.js,
      stream: this.options.stream,
      consumerGroup: this.options.consumerGroup,
      deadLetterStream: this.options.deadLetterStream,
      maxDeliveries: this.options.maxDeliveries,
      batchSize: options.batchSize,
      ...hooks,
    });
  }

  protected connection(): DrainableConnection {
    return this.nc;
  }
}
