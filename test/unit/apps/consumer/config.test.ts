import { describe, expect, it } from "vitest";
import { loadConsumerConfig } from "../../../../src/apps/consumer/config.js";
import { configError, MINIMAL_ENV } from "../../../support/config-error.js";

const minimal = MINIMAL_ENV;

describe("consumer config", () => {
  it("applies the contract's defaults", () => {
    const config = loadConsumerConfig(minimal);
    expect(config).toMatchObject({
      concurrency: 1,
      batchSize: 10,
      workTimeMs: 0,
      drainTimeoutMs: 20_000,
      retryDelayMs: 1000,
      sinkDir: undefined,
    });
  });

  it("names every bad variable", () => {
    const error = configError(() =>
      loadConsumerConfig({
        ...minimal,
        CONCURRENCY: "0",
        BATCH_SIZE: "1.5",
        WORK_TIME_MS: "-3",
        DRAIN_TIMEOUT_MS: "",
      }),
    );
    expect(error.problems.map((p) => p.name)).toEqual([
      "CONCURRENCY",
      "BATCH_SIZE",
      "WORK_TIME_MS",
      "DRAIN_TIMEOUT_MS",
    ]);
  });

  it("never prints a secret value", () => {
    const secret = "s3cret-Value-42";
    const error = configError(() =>
      loadConsumerConfig({
        ...minimal,
        BROKER_USERNAME: "u",
        BROKER_PASSWORD: secret,
        BROKER_TOKEN: secret,
        SINK_DIR: secret,
      }),
    );
    expect(error.problems.map((p) => p.name)).toEqual(["BROKER_TOKEN"]);
    expect(error.message).not.toContain(secret);
    const alone = configError(() => loadConsumerConfig({ ...minimal, BROKER_PASSWORD: secret }));
    expect(alone.problems.map((p) => p.name)).toEqual(["BROKER_USERNAME"]);
    expect(alone.message).not.toContain(secret);
  });
});
