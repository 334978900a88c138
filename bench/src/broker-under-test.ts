/**
 * A fresh broker for one measurement: a real nats-server (or the Memphis stand-in of testkit/, which is
 * a real nats-server with account `$memphis` and the Memphis control plane), the stream and consumer
 * group provisioned by the project's own adapter (so app and baseline runs see identical objects),
 * a harness connection for probes and pre-fill, and the env for the apps and the raw workers.
 */
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import type { NatsConnection } from "@nats-io/nats-core";
import { connectBroker } from "../../src/broker/index.js";
import type { BrokerOptions } from "../../src/broker/options.js";
import { durableName, stationStreamName } from "../../src/broker/memphis/names.js";
import { brokerNaming } from "../../src/broker/naming.js";
import { eventSubject } from "../../src/broker/nats/names.js";
import { BROKER_OPTION_DEFAULTS } from "../../src/runtime/config/common-contract.js";
import type { BrokerEnv } from "../../testkit/app-env.js";
import { NatsServer } from "../../testkit/nats-server.js";
import { startMemphisStandIn, type MemphisStandIn } from "../../testkit/memphis-stand-in.js";
import { publishPipelined } from "../baselines/raw-publish.js";
import type { RawTarget } from "../baselines/raw-target.js";
import type { BenchBroker } from "./options.js";
import { trackChild, untrackChild } from "./processes.js";

/** Stream, group and dead-letter names of every bench run: the contract's defaults. */
export const BENCH_NAMES = {
  stream: BROKER_OPTION_DEFAULTS.stream,
  consumerGroup: BROKER_OPTION_DEFAULTS.consumerGroup,
  deadLetterStream: BROKER_OPTION_DEFAULTS.deadLetterStream,
} as const;

/** A started broker with everything a scenario needs. */
export interface BrokerUnderTest {
  readonly kind: BenchBroker;
  /** Broker variables for the apps (BROKER, BROKER_URL, … STREAM, CONSUMER_GROUP, DEAD_LETTER_STREAM). */
  readonly appEnv: BrokerEnv;
  /** The same stream and group as the raw workers address them. */
  readonly rawTarget: RawTarget;
  /** Harness connection inside the broker's account, for probes. */
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** Stream, dead-letter stream and consumer group, through the project's adapter. */
  provision(): Promise<void>;
  /** Publish `count` real envelopes (raw, pipelined) before a consumer starts. */
  prefill(count: number, payloadBytes: number): Promise<void>;
  stop(): Promise<void>;
}

function adapterOptions(
  kind: BenchBroker,
  url: string,
  monitorUrl: string,
  extra: Partial<BrokerOptions>,
): BrokerOptions {
  return {
    kind,
    url,
    monitorUrl,
    account: brokerNaming(kind).account,
    // The contract's defaults, as the apps run without settings (BENCH_NAMES are among them).
    ...BROKER_OPTION_DEFAULTS,
    clientName: "bench-provisioner",
    connectRetries: 3,
    ...extra,
  };
}

class StartedBroker implements BrokerUnderTest {
  readonly js: JetStreamClient;
  constructor(
    readonly kind: BenchBroker,
    readonly appEnv: BrokerEnv,
    readonly rawTarget: RawTarget,
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    private readonly options: BrokerOptions,
    private readonly shutdown: () => Promise<void>,
  ) {
    this.js = jetstream(nc);
  }

  async provision(): Promise<void> {
    const broker = await connectBroker(this.options);
    try {
      await broker.provision();
    } finally {
      await broker.close();
    }
  }

  prefill(count: number, payloadBytes: number): Promise<void> {
    return publishPipelined(this.js, this.rawTarget, {
      count,
      maxInFlight: 256,
      payloadBytes,
      producer: "bench-prefill",
    });
  }

  async stop(): Promise<void> {
    await this.nc.close().catch(() => {});
    await this.shutdown();
  }
}

async function startNats(): Promise<BrokerUnderTest> {
  const server = await NatsServer.start();
  trackChild(server.pid);
  try {
    const nc = await connect({ servers: server.url, name: "bench-harness" });
    const options = adapterOptions("nats", server.url, server.monitorUrl, {});
    return new StartedBroker(
      "nats",
      {
        BROKER: "nats",
        BROKER_URL: server.url,
        BROKER_MONITOR_URL: server.monitorUrl,
        BROKER_ACCOUNT: "$G",
        STREAM: BENCH_NAMES.stream,
        CONSUMER_GROUP: BENCH_NAMES.consumerGroup,
        DEAD_LETTER_STREAM: BENCH_NAMES.deadLetterStream,
      },
      {
        servers: server.url,
        stream: BENCH_NAMES.stream,
        subject: eventSubject(BENCH_NAMES.stream),
        durable: BENCH_NAMES.consumerGroup,
        style: "nats",
      },
      nc,
      await jetstreamManager(nc),
      options,
      async () => {
        await server.stop();
        untrackChild(server.pid);
      },
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
}

async function startMemphis(): Promise<BrokerUnderTest> {
  const standIn: MemphisStandIn = await startMemphisStandIn();
  trackChild(standIn.server.pid);
  try {
    const options = adapterOptions("memphis", standIn.url, standIn.monitorUrl, {
      username: standIn.username,
      password: standIn.password,
      accountId: standIn.accountId,
    });
    const stream = stationStreamName(BENCH_NAMES.stream);
    return new StartedBroker(
      "memphis",
      {
        ...standIn.env,
        STREAM: BENCH_NAMES.stream,
        CONSUMER_GROUP: BENCH_NAMES.consumerGroup,
        DEAD_LETTER_STREAM: BENCH_NAMES.deadLetterStream,
      },
      {
        servers: `nats://${standIn.url}`,
        user: `${standIn.username}$${standIn.accountId}`,
        pass: standIn.password,
        stream,
        subject: `${stream}.final`,
        durable: durableName(BENCH_NAMES.consumerGroup),
        style: "memphis",
      },
      standIn.connection,
      await jetstreamManager(standIn.connection),
      options,
      async () => {
        await standIn.stop();
        untrackChild(standIn.server.pid);
      },
    );
  } catch (error) {
    await standIn.stop();
    throw error;
  }
}

/** Start a fresh broker of `kind` (its own free ports and empty store). */
export function startBroker(kind: BenchBroker): Promise<BrokerUnderTest> {
  return kind === "nats" ? startNats() : startMemphis();
}
