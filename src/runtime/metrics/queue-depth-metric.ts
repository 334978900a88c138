import { Gauge, type Registry } from "prom-client";

/** `broker_queue_depth_messages{state="pending"|"ack_pending"}`, exported by both apps. */
export function createQueueDepthGauge(registry: Registry): Gauge<"state"> {
  return new Gauge({
    name: "broker_queue_depth_messages",
    help: "Queue depth of the consumer group as the broker reports it (pending: not yet delivered; ack_pending: delivered, not acknowledged)",
    labelNames: ["state"],
    registers: [registry],
  });
}
