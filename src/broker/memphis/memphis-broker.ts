/**
 * The broker port on Memphis, through the memphis-dev 1.3.2 SDK.
 *
 * The SDK does the work wherever it offers it: connection (user `username$accountId` or a token,
 * reconnect), station and dead-letter station provisioning, the consumer group (a consumer with
 * `consumerGroup`), produce with `msgId` awaited (`asyncProduce: false`), and settling the broker's
 * dead-letter re-sends. Three things it does not offer are done beside it:
 * - consuming: the JetStream pull session over the SDK's own connection, on the station's stream
 *   and the group's durable (memphis-subscription.ts), since the SDK's `fetch()` waits at least 1 s
 *   per batch and cannot be cancelled;
 * - the publish ack (stream sequence, duplicate flag) is observed at the SDK's `_publish` seam,
 *   because `produce()` discards it;
 * - the queue depth is read from the broker's monitoring endpoint, the way KEDA reads it (the same
 *   `/jsz` reader as the NATS adapter (../common/jsz.ts), with account `$memphis` and stream `<station>$1`).
 *
 * `close()` closes the connection only. It never destroys the consumer: destroying the last member
 * of a group deletes the durable, the queue-depth metric disappears and KEDA cannot wake the
 * consumer from zero replicas.
 */
import type { Consumer, Memphis, Producer } from "memphis-dev";
import { BrokerAdapter, type DrainableConnection, type SubscriptionHooks } from "../common/broker-adapter.js";
import { watchConnection } from "../common/connection-watch.js";
import { BROKER_DEFAULTS } from "../defaults.js";
import type { BrokerOptions } from "../options.js";
import type { ConsumeOptions, OutgoingMessage, PublishAck, Subscription } from "../port.js";
import { connectMemphis } from "./connection.js";
import { controlPlane } from "./errors.js";
import { MSG_ID_HEADER } from "./memphis-message.js";
import { openMemphisSubscription } from "./memphis-subscription.js";
import { clientNameFor, MEMPHIS_NAMING } from "./names.js";

type PublishFn = Memphis["_publish"];

export class MemphisBroker extends BrokerAdapter {
  readonly kind = "memphis" as const;
  /** Publish acks seen at the `_publish` seam, by message id, until `publish()` picks them up. */
  private readonly publishAcks = new Map<string, PublishAck>();
  private readonly clientName: string;
  private producerPromise: Promise<Producer> | undefined;
  private consumerPromise: Promise<Consumer> | undefined;

  private constructor(
    private readonly memphis: Memphis,
    options: BrokerOptions,
  ) {
    super(options, MEMPHIS_NAMING);
    this.clientName = clientNameFor(options.clientName);
    this.observePublishAcks();
    this.watchConnection();
  }

  /** Connect (p-retry with back-off on transient failures); does not provision. */
  static async connect(options: BrokerOptions): Promise<MemphisBroker> {
    const memphis = await connectMemphis(options);
    return new MemphisBroker(memphis, options);
  }

  async provision(): Promise<void> {
    const { memphis, options } = this;
    const common = {
      retentionType: memphis.retentionTypes.MAX_MESSAGE_AGE_SECONDS,
      retentionValue: options.retentionSeconds,
      storageType: memphis.storageTypes.DISK,
      replicas: options.streamReplicas,
      idempotencyWindowMs: options.dedupWindowMs,
      partitionsNumber: 1,
      timeoutRetry: BROKER_DEFAULTS.memphis.controlPlaneTimeoutRetries,
    };
    await controlPlane("$memphis_station_creations", () =>
      memphis.station({ name: options.deadLetterStream, ...common }),
    );
    await controlPlane("$memphis_station_creations", () =>
      memphis.station({ name: options.stream, ...common, dlsStation: options.deadLetterStream }),
    );
    // Always asked again (not the memoized one): the broker re-creates a durable that was deleted.
    this.consumerPromise = undefined;
    await this.consumer();
  }

  async publish(message: OutgoingMessage): Promise<PublishAck> {
    const producer = await this.producer();
    const headers: Record<string, string> = { ...message.headers };
    delete headers[MSG_ID_HEADER];
    const data = Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength);
    await producer.produce({
      message: data,
      headers,
      msgId: message.id,
      asyncProduce: false,
      ackWaitSec: BROKER_DEFAULTS.memphis.publishAckWaitSec,
    });
    const ack = this.publishAcks.get(message.id);
    this.publishAcks.delete(message.id);
    // produce() resolved, so the broker acked: an ack not seen at the seam means the seam broke
    // (an SDK change), and a made-up sequence would hide it.
    if (!ack) throw new Error(`Memphis publish of msg-id ${message.id}: the broker's ack was not captured`);
    return ack;
  }

  protected async openSubscription(options: ConsumeOptions, hooks: SubscriptionHooks): Promise<Subscription> {
    await this.consumer();
    return openMemphisSubscription({
      memphis: this.memphis,
      station: this.options.stream,
      consumerGroup: this.options.consumerGroup,
      batchSize: options.batchSize,
      messageContext: { maxDeliveries: this.options.maxDeliveries, flush: () => this.flush() },
      ...hooks,
    });
  }

  /**
   * What `close()` drains once the subscriptions stopped: the SDK's connection. Connection only:
   * never `consumer.destroy()` (it would delete the durable with its last member). Not
   * `memphis.close()`: it sleeps 500 ms before closing the connection (memphis-dev 1.3.2 memphis.js
   * `close()`), time for the SDK's unawaited `asyncProduce` publishes, which this adapter never
   * makes (every publish awaits its ack); the drain flushes what was written (acks, naks) before it
   * closes.
   */
  protected connection(): DrainableConnection {
    return this.memphis.brokerManager;
  }

  /** Wait until everything written (acks, naks) has reached the broker. */
  private async flush(): Promise<void> {
    const connection = this.memphis.brokerManager;
    if (connection.isClosed()) throw new Error("connection to Memphis is closed");
    await connection.flush();
  }

  /** What registering a producer or a consumer of the station takes in common. */
  private stationMember(): { stationName: string; timeoutRetry: number } {
    return {
      stationName: this.options.stream,
      timeoutRetry: BROKER_DEFAULTS.memphis.controlPlaneTimeoutRetries,
    };
  }

  /** The station's producer, registered with the broker once per connection. */
  private producer(): Promise<Producer> {
    this.producerPromise ??= controlPlane("$memphis_producer_creations", () =>
      this.memphis.producer({ ...this.stationMember(), producerName: this.clientName }),
    ).catch((error: unknown) => {
      this.producerPromise = undefined;
      throw error;
    });
    return this.producerPromise;
  }

  /**
   * This instance's member of the consumer group (creating the group's durable when it is the
   * first). Its own dead-letter re-send subscription is ended at once (`stop()` only unsubscribes
   * it; the member stays registered): a subscription serves the re-sends itself
   * (dead-letter-resends.ts), and re-sends buffered by the SDK would wait for a `fetch()` that never
   * comes, in every process that provisions (the producer too).
   */
  private consumer(): Promise<Consumer> {
    this.consumerPromise ??= controlPlane("$memphis_consumer_creations", () =>
      this.memphis.consumer({
        ...this.stationMember(),
        consumerName: this.clientName,
        consumerGroup: this.options.consumerGroup,
        maxAckTimeMs: this.options.ackWaitMs,
        maxMsgDeliveries: this.options.maxDeliveries,
      }),
    ).then(
      (consumer) => {
        consumer.stop();
        return consumer;
      },
      (error: unknown) => {
        this.consumerPromise = undefined;
        throw error;
      },
    );
    return this.consumerPromise;
  }

  /**
   * `Producer.produce()` awaits the broker's publish ack and then drops it. Wrap this instance's
   * `_publish` (the SDK's single call into the NATS client) to keep the ack by message id.
   */
  private observePublishAcks(): void {
    const original: PublishFn = this.memphis._publish.bind(this.memphis);
    const wrapped: PublishFn = async (subject, message, publishOptions) => {
      const ack = await original(subject, message, publishOptions);
      const id = publishOptions.headers?.get(MSG_ID_HEADER);
      if (id) {
        if (!(Number.isInteger(ack?.seq) && ack.seq > 0))
          throw new Error(`Memphis publish of msg-id ${id}: unreadable ack ${JSON.stringify(ack)}`);
        this.publishAcks.set(id, { sequence: ack.seq, duplicate: ack.duplicate === true });
      }
      return ack;
    };
    this.memphis._publish = wrapped;
  }

  /** Turn the connection's statuses into port events, and report an unexpected close. */
  private watchConnection(): void {
    const connection = this.memphis.brokerManager;
    void connection.closed().then((error) => {
      if (!this.closing) {
        this.events.emit({
          type: "error",
          error: new Error(`connection to Memphis closed unexpectedly${error ? `: ${error.message}` : ""}`),
        });
      }
    });
    watchConnection(connection, {
      name: "Memphis",
      emit: (event) => this.events.emit(event),
      errorOf: (status) => new Error(`Memphis connection error: ${String(status.data)}`),
    });
  }
}
