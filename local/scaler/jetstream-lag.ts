/**
 * The lag KEDA's nats-jetstream scaler reads (kedacore/keda@v2.20.2 pkg/scalers/
 * nats_jetstream_scaler.go): GET `/jsz?acc=<account>&consumers=true&config=true` on the monitoring
 * endpoint, in a cluster at the node that leads the consumer, then the consumer's `num_pending +
 * num_ack_pending` (getMaxMsgLag). A missing group is an error, never a number: "stream not found",
 * "consumer not found in stream" on a single server, "leader node not found for consumer" in a
 * cluster (KEDA 2.16 read a missing consumer as the stream's `last_seq`). The request, the leader
 * lookup and these rules are the apps' own `/jsz` reader's (src/broker/common/jsz.ts).
 */
import {
  depthFromJsz,
  fetchQueueDepth,
  type JszResponse,
  type QueueDepthTarget,
} from "../../src/broker/common/jsz.js";

/** The lag in one node's `/jsz` response; throws when the group is missing. */
export function lagFromJsz(body: JszResponse, target: QueueDepthTarget): number {
  return depthFromJsz(body, target).total;
}

/** One poll, as the scaler makes it (at the consumer's leader in a cluster); rejects on any failure. */
export async function readJetStreamLag(target: QueueDepthTarget, timeoutMs: number): Promise<number> {
  return (await fetchQueueDepth(target, timeoutMs)).total;
}
