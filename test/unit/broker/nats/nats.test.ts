import { errors, type NatsConnection } from "@nats-io/nats-core";
import { describe, expect, it } from "vitest";
import {
  connectionOptions,
  isTransientConnectError,
  parseServers,
  redactUrl,
} from "../../../../src/broker/nats/connect.js";
import { AckConfirmer } from "../../../../src/broker/common/jetstream/ack-confirmer.js";
import { consumerConfig, streamConfig } from "../../../../src/broker/nats/provision.js";
import { testBrokerOptions } from "../../../support/broker-options.js";

const options = testBrokerOptions(
  { kind: "nats", url: "nats://a:4222, nats://b:4222", monitorUrl: "http://a:8222/", account: "$G" },
  { ackWaitMs: 30_000, retentionSeconds: 604_800, clientName: "pod-1", connectRetries: 5 },
);
describe("NATS connection", () => {
  it("splits the server list and passes credentials only to the client options", () => {
    expect(parseServers(options.url)).toEqual(["nats://a:4222", "nats://b:4222"]);
    expect(() => parseServers(" , ")).toThrow(/broker URL must list at least one/);
    const withUser = connectionOptions({ ...options, username: "u", password: "p" });
    expect(withUser).toMatchObject({ user: "u", pass: "p", name: "pod-1", maxReconnectAttempts: -1 });
    expect(connectionOptions({ ...options, token: "t" })).toMatchObject({ token: "t" });
    expect(connectionOptions(options)).not.toHaveProperty("pass");
  });

  it("masks credentials in URLs", () => {
    expect(redactUrl("nats://user:secret@host:4222")).toBe("nats://***@host:4222");
    expect(redactUrl("nats://host:4222")).toBe("nats://host:4222");
  });

  it("retries only transient connection failures", () => {
    expect(isTransientConnectError(new errors.ConnectionError("connection refused"))).toBe(true);
    expect(isTransientConnectError(Object.assign(new Error("x"), { code: "ENOTFOUND" }))).toBe(true);
    expect(isTransientConnectError(new errors.AuthorizationError("Authorization Violation"))).toBe(false);
    expect(isTransientConnectError(new Error("something else"))).toBe(false);
  });
});

describe("NATS provisioning config", () => {
  it("creates the stream with file storage, limits retention, max age and the dedup window", () => {
    expect(streamConfig("events", options)).toMatchObject({
      name: "events",
      subjects: ["events.>"],
      storage: "file",
      retention: "limits",
      max_age: 604_800 * 1e9,
      duplicate_window: 120_000 * 1e6,
      num_replicas: 1,
    });
    expect(streamConfig("events", { ...options, streamReplicas: 3 }).num_replicas).toBe(3);
  });

  it("gives the broker one delivery more than the app's bound", () => {
    expect(consumerConfig(options)).toMatchObject({
      durable_name: "event-consumers",
      ack_policy: "explicit",
      ack_wait: 30_000 * 1e6,
      max_deliver: 6,
      max_ack_pending: 1000,
      num_replicas: 1,
    });
    expect(consumerConfig({ ...options, streamReplicas: 3 }).num_replicas).toBe(3);
  });
});

describe("NATS ack confirmation", () => {
  /** A connection whose flushes (PING/PONG) the test answers. */
  function connection() {
    const pongs: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
    const nc = {
      flush: () => new Promise<void>((resolve, reject) => pongs.push({ resolve, reject })),
    } as unknown as NatsConnection;
    return { nc, pongs };
  }
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  it("confirms the acks of one turn with one PING, and later acks with the next", async () => {
    const { nc, pongs } = connection();
    const acks = new AckConfirmer(nc, 5_000);
    const first = [acks.confirm(), acks.confirm(), acks.confirm()];
    await nextTurn();
    expect(pongs).toHaveLength(1);
    const later = acks.confirm(); // written after the first PING: the first PONG does not cover it
    await nextTurn();
    expect(pongs).toHaveLength(2);
    pongs[0]!.resolve();
    await expect(Promise.all(first)).resolves.toBeDefined();
    let laterDone = false;
    void later.then(() => (laterDone = true));
    await nextTurn();
    expect(laterDone).toBe(false);
    pongs[1]!.resolve();
    await expect(later).resolves.toBeUndefined();
  });

  it("rejects when the PONG fails or does not come in time", async () => {
    const { nc, pongs } = connection();
    const acks = new AckConfirmer(nc, 50);
    const lost = acks.confirm();
    await nextTurn();
    pongs[0]!.reject(new Error("disconnected"));
    await expect(lost).rejects.toThrow(/disconnected/);
    await expect(acks.confirm()).rejects.toThrow(/no PONG within 50 ms/);
  });
});
