/**
 * The NATS adapter's pull subscription: the common JetStream pull subscription
 * (../common/jetstream/pull-subscription.ts) on the stream and durable of the same names, with
 * deliveries as `NatsDeliveredMessage` (dead-lettering through a copy on the dead-letter stream).
 */
import type { JetStreamClient } from "@nats-io/jetstream";
import type { Msg, NatsConnection } from "@nats-io/nats-core";
import { AckConfirmer } from "../common/jetstream/ack-confirmer.js";
import { PullSubscription } from "../common/jetstream/pull-subscription.js";
import type { BrokerEvent } from "../port.js";
import { NATS_FORMAT, NatsDeliveredMessage, type DeliveryContext } from "./delivered-message.js";

/** What a subscription needs; wired by the broker. */
export interface NatsSubscriptionProps {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly stream: string;
  readonly consumerGroup: string;
  readonly deadLetterStream: string;
  /** The app's bound on deliveries. */
  readonly maxDeliveries: number;
  /** Messages requested or buffered, at most. */
  readonly batchSize: number;
  /** Pull request expiry. @default BROKER_DEFAULTS.jetstream.pullExpiresMs */
  readonly pullExpiresMs?: number;
  /** Where failures and recoveries are reported. */
  readonly emit: (event: BrokerEvent) => void;
  /** Called once `stop()` has finished. */
  readonly onStopped?: (subscription: NatsSubscription) => void;
}

export type NatsSubscription = PullSubscription<Msg>;

/** Look the consumer group up (a missing one fails fast), then pull from it. */
export function openNatsSubscription(props: NatsSubscriptionProps): Promise<NatsSubscription> {
  const context: DeliveryContext = {
    nc: props.nc,
    js: props.js,
    stream: props.stream,
    deadLetterStream: props.deadLetterStream,
    maxDeliveries: props.maxDeliveries,
    acks: new AckConfirmer(props.nc),
    format: NATS_FORMAT,
  };
  return PullSubscription.open<Msg>({
    nc: props.nc,
    stream: props.stream,
    durable: props.consumerGroup,
    groupName: props.consumerGroup,
    batchSize: props.batchSize,
    pullExpiresMs: props.pullExpiresMs,
    watchLeader: true,
    lookUp: async () => {
      await props.js.consumers.get(props.stream, props.consumerGroup);
    },
    deliver: (msg) => new NatsDeliveredMessage(msg, context),
    emit: props.emit,
    onStopped: props.onStopped,
  });
}
