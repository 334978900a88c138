/**
 * The deployed NATS authorization on a real 3-node JetStream cluster: every node runs the client
 * fragment of the Application's `config.merge` and a cluster block with its `config.cluster.merge`
 * (route user, route URLs from variables), with the passwords and route URLs in the environment as
 * the chart's container env gives them. The nodes form a cluster over authenticated routes, the
 * permission matrix holds on replicated streams, and a route that connects without the route
 * user's password is refused (negative control: the same CONNECT with it is answered).
 */
import { once } from "node:events";
import { connect as tcpConnect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  formatNatsConfig,
  NATS_PASSWORD_KEYS,
  NATS_ROUTE_USERNAME,
  natsRouteUrl,
  natsRouteUrlVariable,
} from "../../../cdk8s/lib/nats-authorization.js";
import { NatsCluster } from "../../../testkit/nats-cluster.js";
import {
  EXPECTED,
  natsApplicationValues,
  probeMatrix,
  testPasswords,
  topLevelEntries,
} from "../broker/nats-permissions.js";

/** Connect to a route port as a route would, and return the server's first answer after CONNECT + PING. */
async function routeHandshake(
  clusterName: string,
  port: number,
  credentials: { user: string; pass: string } | undefined,
): Promise<string> {
  const socket: Socket = tcpConnect({ host: "127.0.0.1", port });
  try {
    let received = "";
    const lines = new Promise<string>((resolve) => {
      socket.on("data", (chunk: Buffer) => {
        received += chunk.toString();
        // The server's INFO comes first; the answer to CONNECT + PING is what follows it.
        const answer = received.split("\r\n").find((line) => /^(PONG|-ERR)/.test(line));
        if (answer !== undefined) resolve(answer);
      });
      socket.once("close", () => resolve(received.includes("-ERR") ? received : "closed"));
    });
    await once(socket, "connect");
    const connect = {
      verbose: false,
      pedantic: false,
      tls_required: false,
      name: "rogue",
      cluster: clusterName,
      headers: true,
      ...(credentials ?? {}),
    };
    socket.write(`CONNECT ${JSON.stringify(connect)}\r\nPING\r\n`);
    return await lines;
  } finally {
    socket.destroy();
  }
}

describe("3-node cluster with the deployed authorization and authenticated routes", () => {
  const values = natsApplicationValues();
  const clusterMerge = values.config.cluster.merge;
  const passwords = testPasswords();
  let cluster: NatsCluster;

  beforeAll(async () => {
    if (clusterMerge === undefined) throw new Error("the NATS Application of prod has no cluster.merge");
    const routes = (clusterMerge.routes as unknown[]).length;
    cluster = await NatsCluster.start({
      size: routes,
      extraConfig: topLevelEntries(formatNatsConfig(values.config.merge)),
      clusterBlock: (node) =>
        topLevelEntries(
          formatNatsConfig({ cluster: { name: node.clusterName, listen: node.listen, ...clusterMerge } }),
        ),
      // What the chart's container env gives each node: the passwords, and the route URLs built
      // from the route password (here the nodes' ports on 127.0.0.1 instead of the pods' names).
      env: (routePorts) => ({
        ...passwords,
        ...Object.fromEntries(
          routePorts.map((port, i) => [
            natsRouteUrlVariable(i),
            natsRouteUrl(`127.0.0.1:${port}`, passwords[NATS_PASSWORD_KEYS.route]!),
          ]),
        ),
      }),
    });
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it("forms the cluster over routes that authenticate (every node routed to the two others)", async () => {
    for (const node of cluster.nodes) {
      const routez = (await (await fetch(`${node.server.monitorUrl}/routez`)).json()) as {
        routes?: { remote_id: string }[];
      };
      // Counted by peer, not by connection: from nats-server 2.10 a node keeps a pool of routes to
      // each peer (cluster.pool_size, 3 by default) plus per-account ones, so num_routes is larger.
      const peers = new Set((routez.routes ?? []).map((r) => r.remote_id));
      expect(peers.size, node.name).toBe(cluster.nodes.length - 1);
    }
  });

  it("refuses a route without the route user's password; the same CONNECT with it is answered", async () => {
    const port = cluster.nodes[0]!.routePort;
    const outcomes = {
      "no credentials": await routeHandshake(cluster.name, port, undefined),
      "wrong password": await routeHandshake(cluster.name, port, {
        user: NATS_ROUTE_USERNAME,
        pass: "not-the-password",
      }),
      "route password": await routeHandshake(cluster.name, port, {
        user: NATS_ROUTE_USERNAME,
        pass: passwords[NATS_PASSWORD_KEYS.route]!,
      }),
    };
    console.log(`[nats-authorization] route: ${JSON.stringify(outcomes)}`);
    expect(outcomes["no credentials"]).toMatch(/Authorization Violation/);
    expect(outcomes["wrong password"]).toMatch(/Authorization Violation/);
    expect(outcomes["route password"]).toBe("PONG");
  });

  it("holds the permission matrix on streams replicated over the three nodes", async () => {
    const matrix = await probeMatrix(cluster.url, passwords, 3);
    console.log(`[nats-authorization] cluster: ${JSON.stringify(matrix)}`);
    expect(matrix).toEqual(EXPECTED);
  });
});
