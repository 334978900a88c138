/**
 * The lag KEDA's nats-jetstream scaler reads (kedacore/keda@v2.16.0:pkg/scalers/
 * nats_jetstream_scaler.go): GET `/jsz?acc=<account>&consumers=true&config=true` on the monitoring
 * endpoint, then in the account's stream the consumer's `num_pending + num_ack_pending`
 * (getMaxMsgLag); a consumer that does not exist reads as the stream's `last_seq`, and a stream that
 * does not exist is an error ("stream not found"), as in GetMetricsAndActivity.
 */
import { jszUrl, type QueueDepthTarget } from "../../../../src/broker/common/jsz.js";

interface Jsz {
  readonly account_details?: readonly {
    readonly name?: string;
    readonly stream_detail?: readonly {
      readonly name?: string;
      readonly state?: { readonly last_seq?: number };
      readonly consumer_detail?: readonly {
        readonly name?: string;
        readonly num_pending?: number;
        readonly num_ack_pending?: number;
      }[];
    }[];
  }[];
}

/** The lag in a `/jsz` response; throws when the account or the stream is missing. */
export function lagFromJsz(body: Jsz, target: QueueDepthTarget): number {
  const account = body.account_details?.find((a) => a.name === target.account);
  const stream = account?.stream_detail?.find((s) => s.name === target.stream);
  if (stream === undefined)
    throw new Error(`stream "${target.stream}" not found in account "${target.account}"`);
  const consumer = stream.consumer_detail?.find((c) => c.name === target.consumer);
  if (consumer === undefined) return stream.state?.last_seq ?? 0;
  return (consumer.num_pending ?? 0) + (consumer.num_ack_pending ?? 0);
}

/** One poll, as the scaler's HTTP client makes it; rejects on any failure. */
export async function readJetStreamLag(target: QueueDepthTarget, timeoutMs: number): Promise<number> {
  const url = jszUrl(target);
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return lagFromJsz((await response.json()) as Jsz, target);
}
