/**
 * The `/jsz` reader (src/broker/common/jsz.ts, and the local scaler's lagFromJsz over it) on what a
 * real nats-server answers, of the version the run selects (`NATS_SERVER_VERSION`): the lag of a
 * durable with messages pending and in flight, and the rules of KEDA 2.20's nats-jetstream scaler
 * for a group that is missing: "consumer not found in stream" on a single server, "leader node not
 * found" on a clustered node that does not list the group, and never a number.
 */
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lagFromJsz } from "../../../local/scaler/jetstream-lag.js";
import {
  depthFromJsz,
  fetchQueueDepth,
  getJson,
  jszUrl,
  type JszResponse,
} from "../../../src/broker/common/jsz.js";
import { NatsCluster } from "../../../testkit/nats-cluster.js";
import { NatsServer } from "../../support/nats-server.js";

const target = (monitorUrl: string, consumer = "workers") => ({
  monitorUrl,
  account: "$G",
  stream: "jobs",
  consumer,
});

describe("/jsz of a single nats-server", () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connect({ servers: server.url });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "jobs", subjects: ["jobs"] });
    const js = jetstream(nc);
    for (let i = 0; i < 12; i++) await js.publish("jobs", `job ${i}`);
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  it("a stream without the durable: KEDA 2.20's error, not the stream's last sequence", async () => {
    const body = await getJson<JszResponse>(jszUrl(target(server.monitorUrl)));
    expect(body.account_details?.[0]?.stream_detail?.[0]).toMatchObject({
      name: "jobs",
      state: { last_seq: 12 },
    });
    expect(() => lagFromJsz(body, target(server.monitorUrl))).toThrow(
      /consumer "workers" not found in stream "jobs"/,
    );
    await expect(fetchQueueDepth(target(server.monitorUrl))).rejects.toThrow(/consumer "workers" not found/);
  });

  it("a missing stream is an error too", async () => {
    const body = await getJson<JszResponse>(jszUrl({ ...target(server.monitorUrl), stream: "none" }));
    expect(() => lagFromJsz(body, { ...target(server.monitorUrl), stream: "none" })).toThrow(
      /stream "none" not found/,
    );
  });

  it("num_pending + num_ack_pending of the durable", async () => {
    await jsm.consumers.add("jobs", { durable_name: "workers", ack_policy: AckPolicy.Explicit });
    const consumer = await jetstream(nc).consumers.get("jobs", "workers");
    const batch = await consumer.fetch({ max_messages: 5, expires: 2_000 });
    let taken = 0;
    for await (const _ of batch) if (++taken === 5) break;
    const body = await getJson<JszResponse>(jszUrl(target(server.monitorUrl)));
    expect(depthFromJsz(body, target(server.monitorUrl))).toEqual({ pending: 7, ackPending: 5, total: 12 });
    expect(lagFromJsz(body, target(server.monitorUrl))).toBe(12);
  });
});

describe("/jsz of a clustered nats-server", () => {
  let cluster: NatsCluster;
  let nc: NatsConnection;
  beforeAll(async () => {
    cluster = await NatsCluster.start({ size: 3 });
    nc = await connect({ servers: cluster.url.split(",") });
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    await jsm.streams.add({ name: "jobs", subjects: ["jobs"], num_replicas: 3 });
    await jsm.consumers.add("jobs", {
      durable_name: "workers",
      ack_policy: AckPolicy.Explicit,
      num_replicas: 3,
    });
    await cluster.waitForLeader("jobs", "workers");
  }, 60_000);
  afterAll(async () => {
    await nc?.close();
    await cluster?.stop();
  });

  it('a group no node lists is KEDA\'s "leader node not found", on any node and through the leader lookup', async () => {
    for (const node of cluster.nodes) {
      const body = await getJson<JszResponse>(jszUrl(target(node.server.monitorUrl, "absent")));
      expect(body.meta_cluster?.cluster_size).toBe(3);
      expect(() => lagFromJsz(body, target(node.server.monitorUrl, "absent"))).toThrow(
        /leader node not found for consumer "absent"/,
      );
    }
    await expect(fetchQueueDepth(target(cluster.monitorUrl, "absent"))).rejects.toThrow(
      /leader node not found for consumer "absent"/,
    );
  });

  it("negative control: the group that exists reads as a number through the lookup", async () => {
    expect((await fetchQueueDepth(target(cluster.monitorUrl))).total).toBe(0);
  });
});
