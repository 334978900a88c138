/**
 * The Memphis adapter's pull subscription: the common JetStream pull subscription
 * (../common/jetstream/pull-subscription.ts) on the SDK's own NATS connection
 * (`memphis.brokerManager`), pulling from the station's stream `<station>$1` through its consumer
 * group's durable, instead of the SDK's `consumer.fetch()`. That fetch waits at least 1 s unless its
 * batch fills, cannot be cancelled (so an idle stop waited for it), and keeps nothing in flight
 * while a batch is processed. The SDK still connects, provisions, registers the consumer (which
 * creates the durable and keeps the broker's consumer bookkeeping) and settles the broker's
 * dead-letter re-sends, which arrive beside the pulls (`DeadLetterResends`).
 */
import type { Memphis } from "memphis-dev";
import { AckConfirmer } from "../common/jetstream/ack-confirmer.js";
import type { JetStreamMsg } from "../common/jetstream/connection.js";
import { PullSubscription } from "../common/jetstream/pull-subscription.js";
import type { BrokerEvent } from "../port.js";
import { DeadLetterResends } from "./dead-letter-resends.js";
import type { MemphisMessageContext } from "./memphis-message.js";
import { durableName, internalName, noticeGroupName, STATION_PARTITION, stationStreamName } from "./names.js";
import { MEMPHIS_FORMAT, MemphisStreamMessage, type StreamDeliveryContext } from "./stream-message.js";

/** What a subscription needs; wired by the broker. */
export interface MemphisSubscriptionProps {
  /** The connected SDK client (its consumer of the group already registered). */
  readonly memphis: Memphis;
  readonly station: string;
  readonly consumerGroup: string;
  /** Messages requested or buffered, at most. */
  readonly batchSize: number;
  /** Passed to every delivered message. */
  readonly messageContext: MemphisMessageContext;
  /** Where failures and recoveries are reported. */
  readonly emit: (event: BrokerEvent) => void;
  /** Called once `stop()` has finished. */
  readonly onStopped?: (subscription: MemphisSubscription) => void;
}

export type MemphisSubscription = PullSubscription<JetStreamMsg>;

/** Look the durable up (a missing one fails fast), then pull from it. */
export function openMemphisSubscription(props: MemphisSubscriptionProps): Promise<MemphisSubscription> {
  const { memphis } = props;
  const nc = memphis.brokerManager;
  const stream = stationStreamName(props.station, STATION_PARTITION);
  const durable = durableName(props.consumerGroup);
  const context: StreamDeliveryContext = {
    nc,
    acks: new AckConfirmer(nc),
    maxDeliveries: props.messageContext.maxDeliveries,
    internalStation: internalName(props.station),
    partition: STATION_PARTITION,
    consumerGroup: noticeGroupName(props.consumerGroup),
    format: MEMPHIS_FORMAT,
  };
  return PullSubscription.open<JetStreamMsg>({
    nc,
    stream,
    durable,
    groupName: props.consumerGroup,
    batchSize: props.batchSize,
    // Only subjects a Memphis user may use: the broker grants a station's readers `$JS.API.CONSUMER.
    // MSG.NEXT`, `$JS.ACK` and consumer info on `<station>$<partition>.>`, `_INBOX.>`,
    // `$memphis_dls_<station>.>`, `$memphis_nacked_dls` and `$memphis_pm_acks`, but no JetStream
    // advisories (memphisdev/memphis@v1.4.4 server/memphis_handlers_rbac.go
    // `GetAllowReadPublishInternalSbjects`, `GetAllMemphisAndNatsInternalSubjects`). So no
    // leader-move watch: on a (rare) Memphis cluster, a moved leader is noticed by missed heartbeats.
    watchLeader: false,
    // The SDK's own consumer-info request (consumer.js `_pingConsumer`).
    lookUp: async () => {
      await memphis.brokerStats.consumers.info(stream, durable);
    },
    deliver: (msg) => new MemphisStreamMessage(msg, context),
    openSide: () =>
      new DeadLetterResends({
        memphis,
        station: props.station,
        consumerGroup: props.consumerGroup,
        messageContext: props.messageContext,
      }),
    emit: props.emit,
    onStopped: props.onStopped,
  });
}
