/**
 * The manifests' env maps are typed by the apps' contracts: a misspelt variable, or a missing
 * required one, fails type-checking (`npm run typecheck` compiles this file; each
 * `@ts-expect-error` fails the type-check if the error it expects stops happening).
 */
import * as kplus from "cdk8s-plus-29";
import { describe, expect, it } from "vitest";
import type { ConsumerEnvironment } from "../../cdk8s/lib/consumer.js";
import type { ProducerEnvironment } from "../../cdk8s/lib/producer.js";

const v = kplus.EnvValue.fromValue("1");
const required = { BROKER_URL: v, BROKER_MONITOR_URL: v };

describe("env maps typed by the contract", () => {
  it("accept the contract's variables, refuse misspelt and missing ones", () => {
    const consumer: ConsumerEnvironment = { ...required, CONCURRENCY: v, STREAM_REPLICAS: v };
    // @ts-expect-error CONCURENCY is not a variable of the consumer's contract
    const misspelt: ConsumerEnvironment = { ...required, CONCURENCY: v };
    // @ts-expect-error the producer requires RATE_PER_SECOND (no default)
    const missing: ProducerEnvironment = { ...required };
    // @ts-expect-error CONCURRENCY is the consumer's, not the producer's
    const wrongApp: ProducerEnvironment = { ...required, RATE_PER_SECOND: v, CONCURRENCY: v };
    const producer: ProducerEnvironment = { ...required, RATE_PER_SECOND: v };
    expect(Object.keys(consumer)).toContain("CONCURRENCY");
    expect(Object.keys(producer)).toContain("RATE_PER_SECOND");
    expect([misspelt, missing, wrongApp].length).toBe(3);
  });
});
