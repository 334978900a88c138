/**
 * Creates the stream and the dead-letter stream of `options` with `replicas` replicas, before the
 * apps provision (their provisioning then keeps the replicas: nats-server 2.9.10 leaves
 * `num_replicas` as it is when an update does not set it; the consumer group inherits the stream's).
 * Stands in for the apps' own replicas setting until it exists.
 */
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { streamConfig } from "../../src/broker/nats/provision.js";
import type { BrokerOptions } from "../../src/broker/options.js";

export async function createReplicatedStreams(options: BrokerOptions, replicas: number): Promise<void> {
  const nc = await connect({ servers: options.url.split(","), timeout: 5_000 });
  try {
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    for (const name of [options.stream, options.deadLetterStream])
      await jsm.streams.add({ ...streamConfig(name, options), num_replicas: replicas });
  } finally {
    await nc.close();
  }
}
