/** The local run's producer settings come from the synthesized Deployment and its ConfigMap. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES, PRODUCER_RATE_PER_SECOND } from "../../../cdk8s/config.js";
import { readProducerManifest } from "../../../local/producer-manifest.js";

const scratch = mkdtempSync(join(tmpdir(), "producer-manifest-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A one-container Deployment with `env`, and the producer-config ConfigMap with `data`, in a fresh dist dir. */
function fixture(env: readonly object[], data: Record<string, string>): string {
  const root = mkdtempSync(join(scratch, "dist-"));
  mkdirSync(join(root, "dev"));
  writeFileSync(
    join(root, "dev", "deployment-producer.yaml"),
    JSON.stringify({ spec: { template: { spec: { containers: [{ name: "producer", env }] } } } }),
  );
  writeFileSync(join(root, "dev", "configmap-producer-config.yaml"), JSON.stringify({ data }));
  return root;
}

describe("readProducerManifest", () => {
  it.each(ENVIRONMENT_NAMES)("%s: RATE_PER_SECOND is the ConfigMap's, the synthesized rate", (env) => {
    const manifest = readProducerManifest(env);
    expect(Number(manifest.env.RATE_PER_SECOND)).toBe(PRODUCER_RATE_PER_SECOND[env]);
    expect(manifest.files.map((f) => f.split("/").at(-1))).toEqual([
      "deployment-producer.yaml",
      "configmap-producer-config.yaml",
    ]);
    // Literal values are read; secrets and field references (credentials, INSTANCE_ID) are not.
    expect(manifest.env.PAYLOAD_BYTES).toMatch(/^\d+$/);
    expect(manifest.env).not.toHaveProperty("BROKER_PASSWORD");
    expect(manifest.env).not.toHaveProperty("INSTANCE_ID");
  });

  it("resolves a configMapKeyRef by the ConfigMap's data, not by its name", () => {
    const root = fixture(
      [
        { name: "MAX_IN_FLIGHT", value: "7" },
        { name: "RATE_PER_SECOND", valueFrom: { configMapKeyRef: { name: "producer-config", key: "RATE" } } },
        { name: "BROKER_PASSWORD", valueFrom: { secretKeyRef: { name: "broker-credentials", key: "x" } } },
      ],
      { RATE: "42" },
    );
    expect(readProducerManifest("dev", root).env).toEqual({ MAX_IN_FLIGHT: "7", RATE_PER_SECOND: "42" });
  });

  it("a variable the producer's contract does not know fails, named", () => {
    const root = fixture([{ name: "RATE_PER_SECONDS", value: "5" }], {});
    expect(() => readProducerManifest("dev", root)).toThrow(
      /not in the producer contract: RATE_PER_SECONDS$/,
    );
  });

  it("a missing ConfigMap key fails, named", () => {
    const root = fixture(
      [{ name: "RATE_PER_SECOND", valueFrom: { configMapKeyRef: { name: "producer-config", key: "RATE" } } }],
      {},
    );
    expect(() => readProducerManifest("dev", root)).toThrow(/no key RATE/);
  });
});
