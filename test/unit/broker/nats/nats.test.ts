import { errors } from "@nats-io/nats-core";
import { describe, expect, it } from "vitest";
import {
  connectionOptions,
  isTransientConnectError,
  parseServers,
  redactUrl,
} from "../../../../src/broker/nats/connect.js";
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
