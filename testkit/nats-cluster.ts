/**
 * A real N-node JetStream cluster of `nats-server` processes on 127.0.0.1: free client, monitoring
 * and route ports, a fresh store per node, every node routed to every other, and a health wait for
 * a meta leader that all nodes agree on. Nodes are stopped, killed, paused (SIGSTOP) and resumed
 * by PID, one at a time, so the tests can take the stream's leader away and watch the rest elect.
 */
import { NatsServer, freePort, natsAppEnv } from "./nats-server.js";
import { waitFor } from "./poll.js";

/** What `/jsz` (nats-server 2.9) says about the meta group and one stream's groups. */
interface JszCluster {
  readonly server_name?: string;
  readonly meta_cluster?: { readonly leader?: string; readonly cluster_size?: number };
  readonly account_details?: readonly {
    readonly name: string;
    readonly stream_detail?: readonly {
      readonly name: string;
      readonly cluster?: { readonly leader?: string };
      readonly consumer_detail?: readonly {
        readonly name: string;
        readonly cluster?: { readonly leader?: string };
      }[];
    }[];
  }[];
}

/** One node of the cluster. */
export interface ClusterNode {
  /** `server_name`, e.g. `n1`: what `/jsz` names as a group's leader. */
  readonly name: string;
  readonly server: NatsServer;
  readonly routePort: number;
}

export interface NatsClusterOptions {
  /** Nodes. @default 3 */
  readonly size?: number;
  /** Cluster name. @default "test-cluster" */
  readonly name?: string;
}

export class NatsCluster {
  private readonly paused = new Set<ClusterNode>();

  private constructor(
    readonly name: string,
    readonly nodes: readonly ClusterNode[],
  ) {}

  /** Start every node and wait until they agree on a meta leader. */
  static async start(options: NatsClusterOptions = {}): Promise<NatsCluster> {
    const size = options.size ?? 3;
    const clusterName = options.name ?? "test-cluster";
    const ports = await distinctFreePorts(3 * size);
    const routePorts = ports.slice(0, size);
    const names = routePorts.map((_, i) => `n${i + 1}`);
    const nodes = await Promise.all(
      names.map(async (name, i): Promise<ClusterNode> => {
        const routes = routePorts.filter((_, j) => j !== i).map((p) => `nats-route://127.0.0.1:${p}`);
        const server = await NatsServer.start({
          port: ports[size + i]!,
          monitorPort: ports[2 * size + i]!,
          extraConfig: [
            `server_name: ${name}`,
            `cluster {`,
            `  name: ${clusterName}`,
            `  listen: 127.0.0.1:${routePorts[i]}`,
            `  routes: [${routes.map((r) => JSON.stringify(r)).join(", ")}]`,
            `}`,
          ].join("\n"),
        });
        return { name, server, routePort: routePorts[i]! };
      }),
    );
    const cluster = new NatsCluster(clusterName, nodes);
    await cluster.waitForMetaLeader();
    return cluster;
  }

  /** Every client URL, comma-separated: what the apps get as `BROKER_URL`. */
  get url(): string {
    return this.nodes.map((n) => n.server.url).join(",");
  }
  /** Every monitoring URL, comma-separated. */
  get monitorUrl(): string {
    return this.nodes.map((n) => n.server.monitorUrl).join(",");
  }
  /** What the apps need to use this cluster. */
  get appEnv(): Record<string, string> {
    return natsAppEnv(this);
  }

  node(name: string): ClusterNode {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node "${name}" in cluster ${this.name}`);
    return node;
  }

  /** `/jsz` of one node, with stream and consumer details. */
  async jsz(node: ClusterNode): Promise<JszCluster> {
    const response = await fetch(`${node.server.monitorUrl}/jsz?acc=$G&consumers=true&config=true`, {
      signal: AbortSignal.timeout(2_000),
    });
    return (await response.json()) as JszCluster;
  }

  /** Nodes that answer (not killed, not paused). */
  get live(): ClusterNode[] {
    return this.nodes.filter((n) => !this.paused.has(n) && n.server.running);
  }

  /** Wait until every live node names the same meta leader and the meta group has all nodes. */
  async waitForMetaLeader(timeoutMs = 30_000): Promise<string> {
    return waitFor(
      `a meta leader agreed on by ${this.live.map((n) => n.name).join(", ")}`,
      async () => {
        const views = await Promise.all(this.live.map((n) => this.jsz(n)));
        const leaders = new Set(views.map((v) => v.meta_cluster?.leader ?? ""));
        const sizes = views.map((v) => v.meta_cluster?.cluster_size ?? 0);
        const [leader] = [...leaders];
        return leaders.size === 1 && leader && sizes.every((s) => s === this.nodes.length)
          ? leader
          : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /**
   * The leader of `stream` (or of its consumer `consumer`) as the live nodes report it; waits until
   * one is elected and live, and, with `not`, until it is another node than `not`.
   */
  async waitForLeader(
    stream: string,
    consumer?: string,
    options: { readonly not?: ClusterNode; readonly timeoutMs?: number } = {},
  ): Promise<ClusterNode> {
    return waitFor(
      `a live leader of ${consumer ? `consumer ${consumer} on ` : ""}stream ${stream}${options.not ? ` other than ${options.not.name}` : ""}`,
      async () => {
        for (const node of this.live) {
          const account = (await this.jsz(node)).account_details?.find((a) => a.name === "$G");
          const detail = account?.stream_detail?.find((s) => s.name === stream);
          const leader = consumer
            ? detail?.consumer_detail?.find((c) => c.name === consumer)?.cluster?.leader
            : detail?.cluster?.leader;
          const found = leader ? this.live.find((n) => n.name === leader) : undefined;
          if (found && found !== options.not) return found;
        }
        return undefined;
      },
      { timeoutMs: options.timeoutMs ?? 30_000, intervalMs: 100 },
    );
  }

  /**
   * Wait until `node` answers `/healthz` with 200: nats-server reports unhealthy until its
   * JetStream assets are current (what the chart's readiness probe waits on before a rollout moves on).
   */
  async waitHealthy(node: ClusterNode, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `${node.name} healthy`,
      async () =>
        (await fetch(`${node.server.monitorUrl}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok,
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** SIGKILL one node (a crash): resolves once it has exited. */
  async kill(node: ClusterNode): Promise<void> {
    await node.server.kill("SIGKILL");
  }

  /** Stop one node gracefully (SIGTERM, what a StatefulSet rollout sends), resolves once exited. */
  async stopNode(node: ClusterNode): Promise<void> {
    await node.server.kill("SIGTERM");
  }

  /** Start a killed or stopped node again on its ports with its store, and wait for it to rejoin. */
  async restart(node: ClusterNode): Promise<void> {
    await node.server.startAgain();
    await this.waitForMetaLeader();
  }

  /** SIGSTOP: the node stops answering but keeps its sockets open (a stalled node). */
  pause(node: ClusterNode): void {
    process.kill(node.server.pid, "SIGSTOP");
    this.paused.add(node);
  }

  /** SIGCONT after `pause`. */
  resume(node: ClusterNode): void {
    process.kill(node.server.pid, "SIGCONT");
    this.paused.delete(node);
  }

  /** Resume paused nodes, then stop every node by PID and remove the stores. */
  async stop(): Promise<void> {
    for (const node of [...this.paused]) this.resume(node);
    await Promise.all(this.nodes.map((n) => n.server.stop()));
  }
}

/** `count` free ports, all different (each probe releases its port, so ask until distinct). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
