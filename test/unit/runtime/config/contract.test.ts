/**
 * The contracts' rules across variables, keyed on BROKER: each is shown to refuse what it must
 * and to let the neighbouring valid value through (so the assertion could fail).
 */
import { describe, expect, it } from "vitest";
import { loadConsumerConfig } from "../../../../src/apps/consumer/config.js";
import { loadProducerConfig } from "../../../../src/apps/producer/config.js";
import { configError, MINIMAL_ENV } from "../../../support/config-error.js";

const memphis = {
  ...MINIMAL_ENV,
  BROKER: "memphis",
  BROKER_URL: "127.0.0.1:6666",
  BROKER_USERNAME: "root",
  BROKER_PASSWORD: "pw-secret-1",
};

function problemNames(load: () => unknown): string[] {
  return configError(load).problems.map((p) => p.name);
}

describe("contract rules keyed on BROKER", () => {
  it("WORK_TIME_MS may come near ACK_WAIT_MS on both brokers (in-progress heartbeats extend the deadline)", () => {
    for (const env of [memphis, MINIMAL_ENV])
      expect(loadConsumerConfig({ ...env, ACK_WAIT_MS: "30000", WORK_TIME_MS: "29000" }).workTimeMs).toBe(
        29_000,
      );
  });

  it("names: NATS refuses dots, Memphis takes them; the dead-letter stream differs from the stream", () => {
    expect(problemNames(() => loadConsumerConfig({ ...MINIMAL_ENV, STREAM: "a.b" }))).toEqual(["STREAM"]);
    expect(loadConsumerConfig({ ...memphis, STREAM: "a.b" }).common.broker.stream).toBe("a.b");
    expect(problemNames(() => loadConsumerConfig({ ...MINIMAL_ENV, DEAD_LETTER_STREAM: "events" }))).toEqual([
      "DEAD_LETTER_STREAM",
    ]);
    // Memphis lower-cases station names: "Events" and "events" are the same station.
    expect(
      problemNames(() => loadConsumerConfig({ ...memphis, STREAM: "Events", DEAD_LETTER_STREAM: "events" })),
    ).toEqual(["DEAD_LETTER_STREAM"]);
  });

  it("NATS: the dedup window fits in the retention", () => {
    const error = configError(() =>
      loadConsumerConfig({ ...MINIMAL_ENV, DEDUP_WINDOW_MS: "60001", RETENTION_SECONDS: "60" }),
    );
    expect(error.message).toContain("DEDUP_WINDOW_MS: (60001) must not exceed RETENTION_SECONDS (60) in ms");
    expect(
      loadConsumerConfig({ ...MINIMAL_ENV, DEDUP_WINDOW_MS: "60000", RETENTION_SECONDS: "60" }),
    ).toBeDefined();
  });

  it("Memphis: a user with exactly one of password and token, one endpoint; secrets never printed", () => {
    const { BROKER_PASSWORD: _password, ...noPassword } = memphis;
    expect(problemNames(() => loadConsumerConfig(noPassword))).toEqual(["BROKER_PASSWORD"]);
    const both = configError(() => loadConsumerConfig({ ...memphis, BROKER_TOKEN: "tok-secret-1" }));
    expect(both.problems.map((p) => p.name)).toEqual(["BROKER_TOKEN"]);
    expect(both.message).toMatch(/not both/);
    expect(both.message).not.toContain("pw-secret-1");
    expect(both.message).not.toContain("tok-secret-1");
    const { BROKER_USERNAME: _user, ...noUser } = memphis;
    expect(problemNames(() => loadConsumerConfig(noUser))).toEqual(["BROKER_USERNAME"]);
    const token = loadConsumerConfig({ ...noPassword, BROKER_TOKEN: "tok-secret-1" }).common.broker;
    expect(token).toMatchObject({ username: "root", token: "tok-secret-1", password: undefined });
    expect(problemNames(() => loadConsumerConfig({ ...memphis, BROKER_URL: "a:6666,b:6666" }))).toEqual([
      "BROKER_URL",
    ]);
  });
});

describe("retired variables", () => {
  it("RATE (the original system's sleep between messages) is refused with a pointer to RATE_PER_SECOND", () => {
    const error = configError(() => loadProducerConfig({ ...MINIMAL_ENV, RATE: "5", RATE_PER_SECOND: "5" }));
    expect(error.message).toContain("RATE: is not read: use RATE_PER_SECOND (messages per second)");
    expect(error.problems.map((p) => p.name)).toEqual(["RATE"]);
    expect(loadProducerConfig({ ...MINIMAL_ENV, RATE_PER_SECOND: "5" }).maxInFlight).toBe(256);
  });
});

describe("URL-typed settings in configuration errors", () => {
  it("never quote a URL, its entries or its userinfo; the entry is named by position", () => {
    const cases: Record<string, string>[] = [
      { BROKER_URL: "nats://user:url-pass-1@127.0.0.1:4222/oops" },
      { BROKER_URL: "nats://127.0.0.1:4222,nats://user:url-pass-1@host:4222/x" },
      { BROKER_MONITOR_URL: "ftp://user:url-pass-1@127.0.0.1:8222" },
      { BROKER_MONITOR_URL: "http://127.0.0.1:9999,not a url url-pass-1" },
      { ...memphis, BROKER_URL: "user:url-pass-1@host:6666,b:6666" },
    ];
    for (const extra of cases) {
      const error = configError(() => loadConsumerConfig({ ...MINIMAL_ENV, ...extra }));
      expect(error.problems.length, JSON.stringify(extra)).toBeGreaterThan(0);
      expect(error.message).not.toContain("url-pass-1");
      expect(error.message).not.toContain("user:");
    }
    const listed = configError(() =>
      loadConsumerConfig({ ...MINIMAL_ENV, BROKER_URL: "nats://a:4222,nats://user:url-pass-1@h:4222/x" }),
    );
    expect(listed.message).toContain("entry 2 of 2 is not a nats://host:port endpoint");
  });
});
