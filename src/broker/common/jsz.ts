/**
 * Queue depth of the consumer group read from the server's monitoring endpoint, exactly as KEDA's
 * `nats-jetstream` scaler reads it (kedacore/keda@v2.20.2 pkg/scalers/nats_jetstream_scaler.go): GET
 * `/jsz?acc=<account>&consumers=true&config=true`, then `account_details[name=account]
 * .stream_detail[name=stream].consumer_detail[name=consumer]`, lag = `num_pending + num_ack_pending`
 * (getMaxMsgLag). A group that is missing is an error, as in KEDA: on a single server the stream
 * missing is "stream not found" (GetMetricsAndActivity) and the consumer missing "consumer not found
 * in stream" (getMaxMsgLag; KEDA 2.16 read the stream's last sequence instead); in a cluster, where
 * KEDA looks for the node that leads the consumer, no node leading it is "leader node not found for
 * consumer" (getNATSJetstreamMonitoringData).
 *
 * In a cluster (`meta_cluster.cluster_size > 1`) only the nodes that hold a replica list the stream,
 * and only the consumer's leader has its authoritative counts (a follower's lag behind it). So, as
 * the scaler does in `getNATSJetstreamMonitoringData`, the depth is read from the node named by
 * `consumer_detail[].cluster.leader`: with one monitoring URL (a headless Service, the chart sets
 * `no_advertise`) that node is `<leader>.<host>` (`getNATSJetStreamMonitoringNodeURLByNode`); with a
 * list of URLs (one per node) it is the one whose `/varz` `server_name` is the leader's name.
 */
import type { BrokerNaming } from "./broker-naming.js";
import type { BrokerOptions } from "../options.js";
import type { QueueDepth } from "../port.js";
import { withoutUserinfo } from "../../util/url-userinfo.js";
import { BROKER_DEFAULTS } from "../defaults.js";

/** Where to look. */
export interface QueueDepthTarget {
  /** Monitoring base URL, e.g. `http://127.0.0.1:8222`, or a comma-separated list of them (one per node). */
  readonly monitorUrl: string;
  /** Account as the endpoint names it (`$G` on a server without accounts). */
  readonly account: string;
  readonly stream: string;
  readonly consumer: string;
}

interface JszConsumer {
  readonly name?: string;
  /** Present on a clustered server: the node (its `server_name`) that leads the consumer's group. */
  readonly cluster?: { readonly leader?: string };
  readonly num_pending?: number;
  readonly num_ack_pending?: number;
}
interface JszStream {
  readonly name?: string;
  readonly state?: { readonly last_seq?: number };
  readonly consumer_detail?: readonly JszConsumer[];
}
interface JszAccount {
  readonly name?: string;
  readonly stream_detail?: readonly JszStream[];
}
export interface JszResponse {
  /** The answering node's name (what a group's `cluster.leader` names). */
  readonly server_name?: string;
  readonly meta_cluster?: { readonly cluster_size?: number };
  readonly account_details?: readonly JszAccount[];
}

/** The monitoring base URLs of a target, without trailing slashes. */
export function monitorUrls(monitorUrl: string): string[] {
  return monitorUrl
    .split(",")
    .map((u) => u.trim().replace(/\/+$/, ""))
    .filter((u) => u.length > 0);
}

/** The URL KEDA polls at monitoring base `base` (the account URL-encoded: `$` and other characters stay intact). */
export function jszUrl(
  target: QueueDepthTarget,
  base: string = monitorUrls(target.monitorUrl)[0] ?? "",
): string {
  return `${base}/jsz?acc=${encodeURIComponent(target.account)}&consumers=true&config=true`;
}

/** The leader of the consumer as this node's `/jsz` names it; undefined when it lists none. */
export function consumerLeader(body: JszResponse, target: QueueDepthTarget): string | undefined {
  return (
    body.account_details
      ?.find((a) => a.name === target.account)
      ?.stream_detail?.find((s) => s.name === target.stream)
      ?.consumer_detail?.find((c) => c.name === target.consumer)?.cluster?.leader || undefined
  );
}

/** KEDA's node URL for a single monitoring endpoint: `<scheme>://<node>.<host>` (a StatefulSet pod behind a headless Service). */
export function nodeMonitorUrl(base: string, node: string): string {
  const url = new URL(base);
  url.host = `${node}.${url.host}`;
  return url.toString().replace(/\/+$/, "");
}

/** Pick the target's stream out of a `/jsz` response; throws naming the account or stream missing. */
export function streamFromJsz(body: JszResponse, target: QueueDepthTarget): JszStream {
  const account = body.account_details?.find((a) => a.name === target.account);
  if (!account)
    throw new Error(
      `queue depth: account "${target.account}" not found at ${withoutUserinfo(jszUrl(target))}`,
    );
  const stream = account.stream_detail?.find((s) => s.name === target.stream);
  if (!stream)
    throw new Error(`queue depth: stream "${target.stream}" not found in account "${target.account}"`);
  return stream;
}

/** KEDA's error when no node of a cluster leads the consumer (getNATSJetstreamMonitoringData). */
export function leaderNotFound(target: QueueDepthTarget, where: string): Error {
  return new Error(
    `queue depth: leader node not found for consumer "${target.consumer}" of stream "${target.stream}" (${where})`,
  );
}

/** Whether the answering server is part of a JetStream cluster (`meta_cluster.cluster_size > 1`). */
export function isClustered(body: JszResponse): boolean {
  return (body.meta_cluster?.cluster_size ?? 1) > 1;
}

/**
 * Pick the consumer out of a `/jsz` response; throws naming what is missing: on a clustered server
 * a group this node does not list is KEDA's "leader node not found", on a single server the
 * account, stream or consumer that is missing.
 */
export function depthFromJsz(body: JszResponse, target: QueueDepthTarget): QueueDepth {
  const clustered = isClustered(body);
  const consumer = body.account_details
    ?.find((a) => a.name === target.account)
    ?.stream_detail?.find((s) => s.name === target.stream)
    ?.consumer_detail?.find((c) => c.name === target.consumer);
  if (!consumer) {
    if (clustered) throw leaderNotFound(target, `not listed by ${body.server_name ?? "the node asked"}`);
    streamFromJsz(body, target);
    throw new Error(
      `queue depth: consumer "${target.consumer}" not found in stream "${target.stream}" (not provisioned?)`,
    );
  }
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

/**
 * Fetch and parse; in a cluster read at the consumer's leader. Rejects naming every URL tried and
 * why; a group no node leads rejects with KEDA's "leader node not found".
 */
export async function fetchQueueDepth(
  target: QueueDepthTarget,
  timeoutMs: number = BROKER_DEFAULTS.monitorTimeoutMs,
): Promise<QueueDepth> {
  const bases = monitorUrls(target.monitorUrl);
  const failures: string[] = [];
  for (const base of bases) {
    let body: JszResponse;
    try {
      body = await getJson<JszResponse>(jszUrl(target, base), timeoutMs);
    } catch (error) {
      failures.push((error as Error).message);
      continue; // a node down: ask the next
    }
    if (!isClustered(body)) return depthFromJsz(body, target);
    const leader = consumerLeader(body, target);
    if (leader === undefined) {
      failures.push(leaderNotFound(target, `${withoutUserinfo(base)} lists no leader`).message);
      continue; // not a replica of the stream, or an election is under way
    }
    try {
      const leaderBase = await leaderMonitorUrl(bases, leader, timeoutMs);
      const leaderBody =
        leaderBase === base ? body : await getJson<JszResponse>(jszUrl(target, leaderBase), timeoutMs);
      if (consumerLeader(leaderBody, target) !== leader)
        throw new Error(
          `queue depth: ${leader} at ${withoutUserinfo(leaderBase)} no longer leads "${target.consumer}"`,
        );
      return depthFromJsz(leaderBody, target);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  throw new Error(failures.join("; "));
}

/** Monitoring URL of the node named `leader`: KEDA's `<leader>.<host>` for one URL, else the one whose `/varz` names it. */
async function leaderMonitorUrl(
  bases: readonly string[],
  leader: string,
  timeoutMs: number,
): Promise<string> {
  if (bases.length === 1) return nodeMonitorUrl(bases[0]!, leader);
  for (const base of bases) {
    const varz = await getJson<{ server_name?: string }>(`${base}/varz`, timeoutMs).catch(() => undefined);
    if (varz?.server_name === leader) return base;
  }
  throw new Error(
    `queue depth: no monitoring URL of ${withoutUserinfo(bases.join(","))} is node "${leader}", the consumer's leader`,
  );
}

/**
 * GET a monitoring endpoint's JSON; rejects naming the URL (without its userinfo, which node:http
 * sends as basic auth) on any failure. Through node:http, not
 * the global `fetch`: its first call loads undici and its WebAssembly HTTP parser, which measured
 * ~25 ms of CPU and ~12 MiB of peak RSS in each app process (docs/benchmarks.md, "cold start").
 */
export async function getJson<T>(
  url: string,
  timeoutMs: number = BROKER_DEFAULTS.monitorTimeoutMs,
): Promise<T> {
  const { get } = url.startsWith("https:") ? await import("node:https") : await import("node:http");
  let response: { status: number; body: string };
  try {
    response = await new Promise((resolve, reject) => {
      get(url, { signal: AbortSignal.timeout(timeoutMs) }, (message) => {
        let body = "";
        message.setEncoding("utf8");
        message.on("data", (chunk: string) => (body += chunk));
        message.on("end", () => resolve({ status: message.statusCode ?? 0, body }));
        message.on("error", reject);
      }).on("error", reject);
    });
  } catch (error) {
    // The cause is left out: node:http's errors can hold the request's options, auth included.
    throw new Error(
      `queue depth: cannot reach ${withoutUserinfo(url)}: ${withoutUserinfoIn((error as Error).message, url)}`,
    );
  }
  if (response.status < 200 || response.status > 299)
    throw new Error(`queue depth: ${withoutUserinfo(url)} answered HTTP ${response.status}`);
  return JSON.parse(response.body) as T;
}

/** `message` with `url`'s userinfo removed wherever the URL appears in it. */
function withoutUserinfoIn(message: string, url: string): string {
  return message.split(url).join(withoutUserinfo(url));
}
