import { describe, expect, it } from "vitest";
import { loadProducerConfig } from "../../../../src/apps/producer/config.js";
import { rateAt } from "../../../../src/apps/producer/rate-profile.js";
import { configError, MINIMAL_ENV } from "../../../support/config-error.js";

const minimal = MINIMAL_ENV;

describe("producer config", () => {
  it("applies the contract's defaults", () => {
    const config = loadProducerConfig({ ...minimal, RATE_PER_SECOND: "0.25", INSTANCE_ID: "p-1" });
    expect(config.common.broker).toEqual({
      kind: "nats",
      url: "nats://127.0.0.1:4222",
      monitorUrl: "http://127.0.0.1:8222",
      account: "$G",
      stream: "events",
      consumerGroup: "event-consumers",
      deadLetterStream: "events-dlq",
      ackWaitMs: 30_000,
      maxDeliveries: 5,
      retentionSeconds: 604_800,
      dedupWindowMs: 120_000,
      streamReplicas: 1,
      username: undefined,
      password: undefined,
      token: undefined,
      accountId: 1,
      clientName: "p-1",
      connectRetries: 8,
    });
    expect(config.common.httpPort).toBe(8080);
    expect(config.common.logLevel).toBe("info");
    expect(rateAt(config.profile, 1e6)).toBe(0.25);
    expect(config.maxInFlight).toBe(256);
    expect(config.payloadBytes).toBe(64);
    expect(config.messageLimit).toBe(0);
  });

  it("takes one monitoring URL per node of a cluster, each checked", () => {
    const config = loadProducerConfig({
      ...minimal,
      RATE_PER_SECOND: "1",
      BROKER_MONITOR_URL: "http://127.0.0.1:8222/, http://127.0.0.1:8223",
    });
    expect(config.common.broker.monitorUrl).toBe("http://127.0.0.1:8222,http://127.0.0.1:8223");
    const error = configError(() =>
      loadProducerConfig({
        ...minimal,
        RATE_PER_SECOND: "1",
        BROKER_MONITOR_URL: "http://127.0.0.1:8222,ftp://x",
      }),
    );
    expect(error.problems.map((p) => p.name)).toEqual(["BROKER_MONITOR_URL"]);
  });

  it("defaults the monitoring account per broker and the instance to the hostname", () => {
    const config = loadProducerConfig({
      ...minimal,
      BROKER: "memphis",
      BROKER_URL: "127.0.0.1:6666",
      BROKER_USERNAME: "root",
      BROKER_PASSWORD: "pw",
      RATE_PER_SECOND: "1",
    });
    expect(config.common.broker.account).toBe("$memphis");
    expect(config.common.instanceId.length).toBeGreaterThan(0);
  });

  it("parses LOAD_PROFILE against RATE_PER_SECOND", () => {
    const config = loadProducerConfig({
      ...minimal,
      RATE_PER_SECOND: "10",
      LOAD_PROFILE: "burst:100x1s/10s",
    });
    expect(rateAt(config.profile, 0.5)).toBe(100);
    expect(rateAt(config.profile, 5)).toBe(10);
  });

  it("names every bad variable in one error, in spec order", () => {
    const error = configError(() =>
      loadProducerConfig({
        BROKER: "kafka",
        BROKER_MONITOR_URL: "ftp://x",
        MAX_DELIVERIES: "11",
        ACK_WAIT_MS: "soon",
        HTTP_PORT: "70000",
        RATE_PER_SECOND: "-1",
        MAX_IN_FLIGHT: "0",
        LOG_LEVEL: "loud",
      }),
    );
    expect(error.problems.map((p) => p.name)).toEqual([
      "BROKER",
      "BROKER_URL",
      "BROKER_MONITOR_URL",
      "ACK_WAIT_MS",
      "MAX_DELIVERIES",
      "HTTP_PORT",
      "LOG_LEVEL",
      "RATE_PER_SECOND",
      "MAX_IN_FLIGHT",
    ]);
    expect(error.message).toMatch(/^invalid configuration \(9 variables\):/);
    expect(error.message).toContain("BROKER_URL: is required (Broker client endpoints");
    expect(error.message).toContain('MAX_DELIVERIES: "11" must be an integer from 1 to 10');
  });

  it("reports a bad LOAD_PROFILE with the other problems", () => {
    const error = configError(() =>
      loadProducerConfig({ ...minimal, RATE_PER_SECOND: "x", LOAD_PROFILE: "wave:1±5@1s" }),
    );
    expect(error.problems.map((p) => p.name)).toEqual(["RATE_PER_SECOND", "LOAD_PROFILE"]);
  });

  it("checks BROKER_URL against the broker kind", () => {
    const nats = configError(() =>
      loadProducerConfig({ ...minimal, BROKER_URL: "127.0.0.1:4222,nats://ok:4222", RATE_PER_SECOND: "1" }),
    );
    expect(nats.message).toContain(
      "BROKER_URL: entry 1 of 2 is not a nats://host:port endpoint for BROKER=nats",
    );
    const memphis = configError(() =>
      loadProducerConfig({
        ...minimal,
        BROKER: "memphis",
        BROKER_URL: "nats://x:1",
        BROKER_USERNAME: "root",
        BROKER_TOKEN: "tok",
        RATE_PER_SECOND: "1",
      }),
    );
    expect(memphis.problems.map((p) => p.name)).toEqual(["BROKER_URL"]);
  });
});
