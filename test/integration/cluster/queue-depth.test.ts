/**
 * The cluster harness and the leader-aware queue depth against a real 3-node cluster: the depth
 * read through any node's monitoring URL equals what the consumer's leader answers on the
 * JetStream API, before and after the leader is killed; and the plain single-node read fails on a
 * node that holds no replica (the negative control of what the leader lookup fixes).
 */
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { depthFromJsz, fetchQueueDepth, jszUrl } from "../../../src/broker/common/jsz.js";
import { NatsBroker } from "../../../src/broker/nats/nats-broker.js";
import { testBrokerOptions } from "../../support/broker-options.js";
import { NatsCluster } from "../../../testkit/nats-cluster.js";
import { testMessage } from "../broker/helpers.js";

describe("3-node cluster: leader-aware queue depth", () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  beforeAll(async () => {
    cluster = await NatsCluster.start({ size: 3 });
    nc = await connect({ servers: cluster.url.split(",") });
    jsm = await jetstreamManager(nc, { timeout: 10_000 });
  }, 60_000);
  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
  });

  it("forms a cluster whose nodes agree on one meta leader", async () => {
    const leader = await cluster.waitForMetaLeader();
    expect(cluster.nodes.map((n) => n.name)).toContain(leader);
    for (const node of cluster.nodes) expect((await cluster.jsz(node)).meta_cluster?.cluster_size).toBe(3);
  });

  it("agrees with the leader's JetStream API answer through every node, and after the leader dies", async () => {
    const options = testBrokerOptions(
      { kind: "nats", url: cluster.url, monitorUrl: cluster.monitorUrl, account: "$G" },
      { stream: "depth", deadLetterStream: "depth-dlq", consumerGroup: "depth-group", streamReplicas: 3 },
    );
    const broker = await NatsBroker.connect(options);
    try {
      await broker.provision();
      for (let i = 0; i < 40; i++) await broker.publish(testMessage());
      const consumer = await jetstream(nc).consumers.get(options.stream, options.consumerGroup);
      const batch = await consumer.fetch({ max_messages: 7, expires: 2_000 });
      let taken = 0;
      for await (const m of batch) {
        void m;
        if (++taken === 7) break;
      }
      const direct = async (): Promise<number[]> => {
        const info = await jsm.consumers.info(options.stream, options.consumerGroup);
        return [info.num_pending, info.num_ack_pending];
      };
      // Any node first in the list: the reader finds the leader.
      const urls = cluster.nodes.map((n) => n.server.monitorUrl);
      for (let i = 0; i < urls.length; i++) {
        const rotated = [...urls.slice(i), ...urls.slice(0, i)].join(",");
        const depth = await fetchQueueDepth({ ...target(options), monitorUrl: rotated });
        expect([depth.pending, depth.ackPending]).toEqual(await direct());
      }
      expect(await direct()).toEqual([33, 7]);

      const leader = await cluster.waitForLeader(options.stream, options.consumerGroup);
      await cluster.kill(leader);
      const successor = await cluster.waitForLeader(options.stream, options.consumerGroup, { not: leader });
      expect(successor).not.toBe(leader);
      const after = await fetchQueueDepth(target(options));
      expect([after.pending, after.ackPending]).toEqual(await direct());
      await cluster.restart(leader);
    } finally {
      await broker.close();
    }
  });

  it("negative control: a node without a replica has no stream for the single-URL read; the lookup finds it", async () => {
    const options = testBrokerOptions(
      { kind: "nats", url: cluster.url, monitorUrl: cluster.monitorUrl, account: "$G" },
      { stream: "single", deadLetterStream: "single-dlq", consumerGroup: "single-group", streamReplicas: 1 },
    );
    const broker = await NatsBroker.connect(options);
    await broker.provision().finally(() => broker.close());
    const holder = await cluster.waitForLeader(options.stream, options.consumerGroup);
    const other = cluster.nodes.find((n) => n !== holder)!;
    const body = await (await fetch(jszUrl(target(options), other.server.monitorUrl))).json();
    expect(() => depthFromJsz(body as never, target(options))).toThrow(/stream "single" not found/);
    const depth = await fetchQueueDepth({
      ...target(options),
      monitorUrl: [other, holder].map((n) => n.server.monitorUrl).join(","),
    });
    expect(depth.total).toBe(0);
  });
});

function target(options: ReturnType<typeof testBrokerOptions>) {
  return {
    monitorUrl: options.monitorUrl,
    account: options.account,
    stream: options.stream,
    consumer: options.consumerGroup,
  };
}
