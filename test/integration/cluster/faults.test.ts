/**
 * The real producer and consumer against a real 3-node JetStream cluster (they provision the
 * streams and the group with STREAM_REPLICAS=3), through node faults: SIGKILL of the stream leader mid-publish and of the group's
 * leader mid-consume, SIGKILL of a follower, a rolling restart of all three nodes while the
 * producer runs, SIGSTOP of the stream leader past the election timeout. Each run prints its
 * counts (fault-run.ts); lost and duplicate effects must be 0.
 */
import { afterEach, beforeEach, describe, it } from "vitest";
import { NatsCluster } from "../../../testkit/nats-cluster.js";
import { APP_NAMES, faultRun } from "./fault-run.js";

describe("apps on a 3-node NATS cluster survive node faults", { timeout: 120_000 }, () => {
  let cluster: NatsCluster;
  beforeEach(async () => {
    cluster = await NatsCluster.start({ size: 3 });
  });
  afterEach(async () => {
    await cluster?.stop();
  });

  const streamLeader = () => cluster.waitForLeader(APP_NAMES.stream);
  const groupLeader = () => cluster.waitForLeader(APP_NAMES.stream, APP_NAMES.consumerGroup);
  const run = { count: 1500, ratePerSecond: 300 } as const;
  /** SIGKILL the leader of the stream (or of its group), wait for a successor, restart the old one. */
  const killLeader = async (consumer?: string): Promise<void> => {
    const leader = await cluster.waitForLeader(APP_NAMES.stream, consumer);
    await cluster.kill(leader);
    await cluster.waitForLeader(APP_NAMES.stream, consumer, { not: leader });
    await cluster.restart(leader);
  };

  it("SIGKILL of the stream leader mid-publish, then restart", async () => {
    await faultRun({
      cluster,
      ...run,
      name: "stream leader SIGKILL mid-publish",
      during: "publishing",
      faultAfter: 300,
      fault: () => killLeader(),
    });
  });

  it("SIGKILL of the group's leader mid-consume, then restart", async () => {
    await faultRun({
      cluster,
      count: 3000,
      ratePerSecond: 3000,
      name: "group leader SIGKILL mid-consume",
      during: "consuming",
      faultAfter: 500,
      fault: () => killLeader(APP_NAMES.consumerGroup),
    });
  });

  it("SIGKILL of a follower (leads neither the stream nor the group), then restart", async () => {
    await faultRun({
      cluster,
      ...run,
      name: "follower SIGKILL",
      during: "publishing",
      faultAfter: 300,
      fault: async () => {
        const leaders = new Set([await streamLeader(), await groupLeader()]);
        const follower = cluster.nodes.find((n) => !leaders.has(n))!;
        await cluster.kill(follower);
        await cluster.restart(follower);
      },
    });
  });

  it("rolling restart of all three nodes, one at a time, while the producer runs", async () => {
    await faultRun({
      cluster,
      count: 3000,
      ratePerSecond: 300,
      name: "rolling restart",
      during: "publishing",
      faultAfter: 200,
      fault: async () => {
        // The StatefulSet's order: highest ordinal first, the next only once this one is ready.
        for (const node of [...cluster.nodes].reverse()) {
          await cluster.stopNode(node);
          await cluster.restart(node);
          await cluster.waitHealthy(node);
        }
      },
    });
  });

  it("SIGSTOP of the stream leader past the election timeout, then SIGCONT", async () => {
    await faultRun({
      cluster,
      ...run,
      name: "stream leader SIGSTOP + SIGCONT",
      during: "publishing",
      faultAfter: 300,
      fault: async () => {
        const leader = await streamLeader();
        cluster.pause(leader);
        // a new leader among the others: the election timeout has passed
        await cluster.waitForLeader(APP_NAMES.stream, undefined, { not: leader });
        cluster.resume(leader);
        await cluster.waitHealthy(leader);
      },
    });
  });
});
