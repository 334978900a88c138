/**
 * The consumer group's share of the messages a Memphis broker re-sends from its dead-letter store,
 * as a side source of the pull subscription.
 *
 * The SDK receives them on a queue subscription its `Consumer` opens at construction
 * (`$memphis_dls_<station>.<group>`, queue `$memphis_<station>_<group>`: memphis-dev 1.3.2
 * consumer.js) and keeps them in an array that only `consumer.fetch()` empties. This adapter does
 * not fetch through the SDK any more, so it subscribes to the same subject in the same queue group
 * itself, and the broker ends the SDK's own subscription right after registering the consumer
 * (`consumer.stop()`, public: it only unsubscribes it). Why this rather than calling the SDK's
 * `fetch()` whenever its array is not empty: that needs reading the SDK's private array, and
 * polling it (the SDK tells no one when a re-send arrives), while an own subscription wakes the
 * caller at once, and the SDK still settles every re-send (each is wrapped in the SDK's `Message`,
 * as its consumer wraps them).
 *
 * A re-send is a plain NATS publish of the broker: one that reaches no member (none subscribed at
 * that moment) or that a stopping member did not yield is not acked, so it stays in the broker's
 * dead-letter store, to be re-sent again.
 */
import { Message, type Memphis } from "memphis-dev";
import type { JetStreamSubscription } from "../common/jetstream/connection.js";
import type { SideSource } from "../common/jetstream/pull-subscription.js";
import { MemphisDeliveredMessage, type MemphisMessageContext } from "./memphis-message.js";
import { deadLetterResendSubject, internalName, noticeGroupName } from "./names.js";

/** What the re-sends need; wired by the broker. */
export interface DeadLetterResendsProps {
  /** The SDK's client (its connection carries the re-sends; its `Message` settles them). */
  readonly memphis: Memphis;
  readonly station: string;
  readonly consumerGroup: string;
  /** Passed to every re-sent message. */
  readonly messageContext: MemphisMessageContext;
}

/** The partition number the SDK gives a re-sent message (consumer.js `DlsMessagePartitionNumber`). */
const RESEND_PARTITION = -1;

type SdkMsg = ConstructorParameters<typeof Message>[0];

export class DeadLetterResends implements SideSource {
  private received: MemphisDeliveredMessage[] = [];
  private head = 0;
  private wake: () => void = () => {};
  private readonly sub: JetStreamSubscription;

  constructor(private readonly props: DeadLetterResendsProps) {
    const { subject, queue } = deadLetterResendSubject(props.station, props.consumerGroup);
    this.sub = props.memphis.brokerManager.subscribe(subject, {
      queue,
      callback: (error, msg) => {
        if (error) return; // the subscription ends with the connection
        this.received.push(
          new MemphisDeliveredMessage(
            new Message(
              msg as unknown as SdkMsg,
              props.memphis,
              noticeGroupName(props.consumerGroup),
              internalName(props.station),
              RESEND_PARTITION,
            ),
            props.messageContext,
          ),
        );
        this.wake();
      },
    });
  }

  take(): MemphisDeliveredMessage | undefined {
    if (this.head === this.received.length) return undefined;
    const message = this.received[this.head++];
    if (this.head === this.received.length) {
      this.received = [];
      this.head = 0;
    }
    return message;
  }

  onArrival(wake: () => void): void {
    this.wake = wake;
  }

  /** Drain the subscription (what the broker sent before the UNSUB still arrives) and return what was not taken. */
  async stop(): Promise<MemphisDeliveredMessage[]> {
    if (!this.props.memphis.brokerManager.isClosed() && !this.sub.isClosed())
      await this.sub.drain().catch(() => {});
    const rest = this.received.slice(this.head);
    this.received = [];
    this.head = 0;
    return rest;
  }
}
