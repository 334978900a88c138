/**
 * The NATS JetStream adapter of the broker port.
 */
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
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
import { fetchQueueDepth } from "./queue-depth.js";
import { NatsSubscription } from "./subscription.js";

export class NatsBroker implements Broker {
  readonly kind = "nats" as const;
  private readonly listeners = new Set<(event: BrokerEvent) => void>();
  private readonly subscriptions = new Set<NatsSubscription>();
  private readonly js: JetStreamClient;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly options: BrokerOptions,
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
  ) {
    this.js = jetstream(nc, { timeout: NATS_DEFAULTS.requestTimeoutMs });
    void this.watchStatus();
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
    return provisionAll(this.jsm, this.options);
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
    if (this.closing) throw new Error("broker is closed");
    const subscription = await NatsSubscription.open({
      nc: this.nc,
      js: this.js,
      stream: this.options.stream,
      consumerGroup: this.options.consumerGroup,
      deadLetterStream: this.options.deadLetterStream,
      maxDeliveries: this.options.maxDeliveries,
      batchSize: options.batchSize,
      emit: (event) => this.emit(event),
      onStopped: (stopped) => this.subscriptions.delete(stopped),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  queueDepth(): Promise<QueueDepth> {
    return fetchQueueDepth({
      monitorUrl: this.options.monitorUrl,
      account: this.options.account,
      stream: this.options.stream,
      consumer: this.options.consumerGroup,
    });
  }

  onEvent(listener: (event: BrokerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stop open subscriptions (handing back buffered messages), then drain. The consumer group stays. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    if (this.nc.isClosed()) return;
    try {
      await this.nc.drain();
    } catch {
      await this.nc.close();
    }
  }

  private emit(event: BrokerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's failure must not break the connection
      }
    }
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === "disconnect") this.emit({ type: "disconnected" });
      else if (status.type === "reconnect") this.emit({ type: "reconnected" });
      else if (status.type === "error") this.emit({ type: "error", error: status.error });
    }
  }
}
