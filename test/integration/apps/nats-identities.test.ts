/**
 * The whole pipeline as the cluster runs it on NATS, each process logged in as its own user on a
 * real nats-server with the deployed authorization fragment: the provisioning run (the provisioner)
 * creates the streams and the group, the producer publishes, the consumer applies every stored
 * message once and dead-letters the poison one, and both apps read the queue depth down to zero.
 * Negative controls: the same provisioning run as the consumer, and a producer told to provision
 * at start, are refused by the broker and exit non-zero.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  formatNatsConfig,
  NATS_PASSWORD_KEYS,
  NATS_USERNAMES,
  type NatsClientRole,
} from "../../../cdk8s/lib/nats-authorization.js";
import { NatsBroker } from "../../../src/broker/nats/nats-broker.js";
import { createEnvelope, encodeEnvelope } from "../../../src/runtime/envelope.js";
import { AppProcess } from "../../support/app-process.js";
import { streamMessages } from "../../support/jsz.js";
import { NatsServer } from "../../support/nats-server.js";
import { waitFor } from "../../../testkit/poll.js";
import { auditSink } from "../../support/sink-audit.js";
import { natsOptions } from "../broker/nats-support.js";
import { natsApplicationValues, testPasswords, topLevelEntries } from "../broker/nats-permissions.js";

describe("the pipeline on NATS with one user per role", () => {
  const passwords = testPasswords();
  let server: NatsServer;
  let sinkDir: string;

  beforeAll(async () => {
    server = await NatsServer.start({
      extraConfig: topLevelEntries(formatNatsConfig(natsApplicationValues().config.merge)),
      env: passwords,
    });
    sinkDir = await mkdtemp(join(tmpdir(), "identities-sink-"));
  });
  afterAll(async () => {
    await AppProcess.killAll();
    await server?.stop();
    await rm(sinkDir, { recursive: true, force: true });
  });

  const as = (role: NatsClientRole): Record<string, string> => ({
    BROKER_USERNAME: NATS_USERNAMES[role],
    BROKER_PASSWORD: passwords[NATS_PASSWORD_KEYS[role]]!,
  });
  const env = (
    role: NatsClientRole,
    extra: Record<string, string | number> = {},
  ): Record<string, string> => ({
    ...server.appEnv,
    ...as(role),
    // What the manifests set on NATS for the apps (only the provisioning Job provisions).
    PROVISION: "never",
    ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])),
  });

  it("refuses a provisioning run as the consumer (negative control), then provisions as the provisioner", async () => {
    const refused = await AppProcess.start("consumer", env("consumer"), "provision-as-consumer", [
      "--provision-only",
    ]);
    const refusedExit = await refused.exited;
    expect(refusedExit.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/[Pp]ermissions? [Vv]iolation|authorization/);

    const job = await AppProcess.start("consumer", env("provisioner"), "provision", ["--provision-only"]);
    const exit = await job.exited;
    expect(exit.code, job.stdout + job.stderr).toBe(0);
  });

  it("refuses a producer that provisions at start (negative control of PROVISION=never)", async () => {
    const p = await AppProcess.start(
      "producer",
      env("producer", { PROVISION: "on-start", RATE_PER_SECOND: 1 }),
    );
    const exit = await p.exited;
    expect(exit.code).not.toBe(0);
    expect(p.stdout + p.stderr).toMatch(
      /Permissions Violation for Publish to "\$JS\.API\.STREAM\.CREATE\.events"/,
    );
  });

  it("produces, consumes, dead-letters and reads the queue depth with these identities", async () => {
    // The poison message, published as the producer through the same adapter the app uses.
    const poison = createEnvelope({ seq: 1, producer: "test", payload: { poison: true } });
    const producerBroker = await NatsBroker.connect(
      natsOptions(server, {
        username: NATS_USERNAMES.producer,
        password: passwords[NATS_PASSWORD_KEYS.producer]!,
      }),
    );
    try {
      await producerBroker.publish({ id: poison.id, data: encodeEnvelope(poison) });
    } finally {
      await producerBroker.close();
    }

    const count = 40;
    const consumer = await AppProcess.start(
      "consumer",
      env("consumer", { SINK_DIR: sinkDir, MAX_DELIVERIES: 2, RETRY_DELAY_MS: 100, ACK_WAIT_MS: 5_000 }),
    );
    const producer = await AppProcess.start(
      "producer",
      env("producer", { RATE_PER_SECOND: 100, MESSAGE_LIMIT: count }),
    );
    const producerExit = await producer.exited;
    expect(producerExit.code, producer.stderr).toBe(0);

    const stored = await streamMessages(server.monitorUrl, "$G", "events");
    expect(stored).toBe(count + 1);
    await waitFor("every stored message settled and the queue read empty", async () => {
      const m = await consumer.metrics();
      return m.value("consumer_dead_lettered_total", { reason: "poison" }) === 1 &&
        m.value("broker_queue_depth_messages") === 0
        ? true
        : undefined;
    });
    const audit = await auditSink(sinkDir);
    expect(audit.applied.size).toBe(count);
    expect(audit.applied.has(poison.id)).toBe(false);
    expect(await streamMessages(server.monitorUrl, "$G", "events-dlq")).toBe(1);
    const exit = await consumer.kill("SIGTERM");
    expect(exit.code, consumer.stderr).toBe(0);
  });
});
