/**
 * The lag KEDA's nats-jetstream scaler reads (kedacore/keda@v2.16.0:pkg/scalers/
 * nats_jetstream_scaler.go): GET `/jsz?acc=<account>&consumers=true&config=true` on the monitoring
 * endpoint, then in the account's stream the consumer's `num_pending + num_ack_pending`
 * (getMaxMsgLag); a consumer that does not exist reads as the stream's `last_seq`, and a stream that
 * does not exist is an error ("stream not found"), as in GetMetricsAndActivity. The request and the
 * account/stream lookup are the apps' own `/jsz` reader's; only the missing-consumer rule is KEDA's.
 */
import {
  getJson,
  jszUrl,
  streamFromJsz,
  type JszResponse,
  type QueueDepthTarget,
} from "../../src/broker/common/jsz.js";

/** The lag in a `/jsz` response; throws when the account or the stream is missing. */
export function lagFromJsz(body: JszResponse, target: QueueDepthTarget): number {
  const stream = streamFromJsz(body, target);
  const consumer = stream.consumer_detail?.find((c) => c.name === target.consumer);
  if (consumer === undefined) return stream.state?.last_seq ?? 0;
  return (consumer.num_pending ?? 0) + (consumer.num_ack_pending ?? 0);
}

/** One poll, as the scaler's HTTP client makes it; rejects on any failure. */
export async function readJetStreamLag(target: QueueDepthTarget, timeoutMs: number): Promise<number> {
  return lagFromJsz(await getJson<JszResponse>(jszUrl(target), timeoutMs), target);
}
