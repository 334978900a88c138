/**
 * The NATS JetStream adapter of the broker port.
 */
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { BrokerEvents } from "../common/broker-events.js";
import { CloseOnce } from "../common/close-once.js";
import { watchConnection } from "../common/connection-watch.js";
import { readQueueDepth } from "../common/jsz.js";
import type { BrokerOptions } from "../options.js";
import type {
  Broker,
  BrokerEvent,
  ConsumeOptions,
  OutgoingMessage,
  PublishAck,
  QueueDepth,
  Subscription,
} from "../port.js";
import { connectWithRetry } from "./connect.js";
import { eventSubject, NATS_DEFAULTS } from "./defaults.js";
import { toMsgHdrs } from "./delivered-message.js";
import { provisionAll } from "./provision.js";
import { NATS_NAMING, natsInboxPrefix } from "./names.js";
import { openNatsSubscription, type NatsSubscription } from "./subscription.js";

export class NatsBroker implements Broker {
  readonly kind = "nats" as const;
  private readonly events = new BrokerEvents();
  private readonly subscriptions = new Set<NatsSubscription>();
  private readonly js: JetStreamClient;
  private readonly closer = new CloseOnce(() => this.closeOnce());

  private constructor(
    private readonly options: BrokerOptions,
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
  ) {
    this.js = jetstream(nc, { timeout: NATS_DEFAULTS.requestTimeoutMs });
    watchConnection(nc, {
      name: "NATS",
      emit: (event) => this.events.emit(event),
      errorOf: (status) => (status.type === "error" ? status.error : new Error(`NATS status ${status.type}`)),
    });
  }

  /** Connect (retrying transient failures `options.connectRetries` times), then reconnect forever on loss. */
  static async connect(options: BrokerOptions): Promise<NatsBroker> {
    if (options.kind !== "nats") throw new Error(`NatsBroker needs BROKER=nats, got "${options.kind}"`);
    const nc = await connectWithRetry(options);
    try {
      const jsm = await jetstreamManager(nc, { timeout: NATS_DEFAULTS.requestTimeoutMs });
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

  async publish(message: OutgoingMessage): Promise<PublishAck> {
    const subject = eventSubject(this.options.stream);
    const maxPayload = this.nc.info?.max_payload;
    if (maxPayload !== undefined && message.data.byteLength > maxPayload)
      throw new Error(
        `message ${message.id} is ${message.data.byteLength} bytes, over the server's max_payload of ${maxPayload} bytes`,
      );
    try {
      const ack = await this.js.publish(subject, message.data, {
        msgID: message.id,
        headers: toMsgHdrs(message.headers),
        timeout: NATS_DEFAULTS.requestTimeoutMs,
      });
      return { sequence: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      const reason = (error as Error).message;
      const detail = reason.includes("max_payload")
        ? ` (${message.data.byteLength} bytes plus headers, max_payload ${maxPayload ?? "unknown"} bytes)`
        : "";
      throw new Error(`publish of message ${message.id} to "${subject}" failed: ${reason}${detail}`, {
        cause: error,
      });
    }
  }

  async consume(options: ConsumeOptions): Promise<Subscription> {
    if (this.closer.started) throw new Error("broker is closed");
    const subscription = await openNatsSubscription({
      nc: this.nc,
      js: this.js,
      stream: this.options.stream,
      consumerGroup: this.options.consumerGroup,
      deadLetterStream: this.options.deadLetterStream,
      maxDeliveries: this.options.maxDeliveries,
      batchSize: options.batchSize,
      inboxPrefix: natsInboxPrefix(this.options.username),
      emit: (event) => this.events.emit(event),
      onStopped: (stopped) => this.subscriptions.delete(stopped),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  queueDepth(): Promise<QueueDepth> {
    return readQueueDepth(this.options, NATS_NAMING);
  }

  onEvent(listener: (event: BrokerEvent) => void): () => void {
    return this.events.on(listener);
  }

  /** Stop open subscriptions (handing back buffered messages), then drain. The consumer group stays. */
  close(): Promise<void> {
    return this.closer.run();
  }

  private async closeOnce(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    if (this.nc.isClosed()) return;
    try {
      await this.nc.drain();
    } catch {
      await this.nc.close();
    }
  }
}
