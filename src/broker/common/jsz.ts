/**
 * Queue depth of the consumer group read from the server's monitoring endpoint, exactly as KEDA's
 * `nats-jetstream` scaler reads it (pkg/scalers/nats_jetstream_scaler.go): GET
 * `/jsz?acc=<account>&consumers=true&config=true`, then `account_details[name=account]
 * .stream_detail[name=stream].consumer_detail[name=consumer]`, lag = `num_pending + num_ack_pending`.
 */
import type { BrokerNaming } from "../naming.js";
import type { BrokerOptions } from "../options.js";
import type { QueueDepth } from "../port.js";
import { BROKER_DEFAULTS } from "./defaults.js";

/** Where to look. */
export interface QueueDepthTarget {
  /** Monitoring base URL, e.g. `http://127.0.0.1:8222`. */
  readonly monitorUrl: string;
  /** Account as the endpoint names it (`$G` on a server without accounts). */
  readonly account: string;
  readonly stream: string;
  readonly consumer: string;
}

interface JszConsumer {
  readonly name?: string;
  readonly num_pending?: number;
  readonly num_ack_pending?: number;
}
interface JszStream {
  readonly name?: string;
  readonly consumer_detail?: readonly JszConsumer[];
}
interface JszAccount {
  readonly name?: string;
  readonly stream_detail?: readonly JszStream[];
}
interface JszResponse {
  readonly account_details?: readonly JszAccount[];
}

/** The URL KEDA polls (the account URL-encoded: `$` and other characters stay intact). */
export function jszUrl(target: QueueDepthTarget): string {
  const base = target.monitorUrl.replace(/\/+$/, "");
  return `${base}/jsz?acc=${encodeURIComponent(target.account)}&consumers=true&config=true`;
}

/** Pick the consumer out of a `/jsz` response; throws naming what is missing. */
export function depthFromJsz(body: JszResponse, target: QueueDepthTarget): QueueDepth {
  const account = body.account_details?.find((a) => a.name === target.account);
  if (!account) throw new Error(`queue depth: account "${target.account}" not found at ${jszUrl(target)}`);
  const stream = account.stream_detail?.find((s) => s.name === target.stream);
  if (!stream)
    throw new Error(`queue depth: stream "${target.stream}" not found in account "${target.account}"`);
  const consumer = stream.consumer_detail?.find((c) => c.name === target.consumer);
  if (!consumer)
    throw new Error(
      `queue depth: consumer "${target.consumer}" not found on stream "${target.stream}" (not provisioned?)`,
    );
  const pending = consumer.num_pending ?? 0;
  const ackPending = consumer.num_ack_pending ?? 0;
  return { pending, ackPending, total: pending + ackPending };
}

/**
 * Queue depth of the consumer group of `options`, read for the JetStream stream and durable that
 * `naming` (the broker's own naming function) puts behind them.
 */
export function readQueueDepth(
  options: Pick<BrokerOptions, "monitorUrl" | "account" | "stream" | "consumerGroup">,
  naming: BrokerNaming,
): Promise<QueueDepth> {
  return fetchQueueDepth({
    monitorUrl: options.monitorUrl,
    account: options.account,
    stream: naming.streamName(options.stream),
    consumer: naming.durableName(options.consumerGroup),
  });
}

/** Fetch and parse; rejects with the URL and status on an HTTP failure. */
export async function fetchQueueDepth(target: QueueDepthTarget): Promise<QueueDepth> {
  const url = jszUrl(target);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(BROKER_DEFAULTS.monitorTimeoutMs) });
  } catch (error) {
    throw new Error(`queue depth: cannot reach ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!response.ok) throw new Error(`queue depth: ${url} answered HTTP ${response.status}`);
  return depthFromJsz((await response.json()) as JszResponse, target);
}
