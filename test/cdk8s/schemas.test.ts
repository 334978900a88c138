/**
 * Every synthesized document (dist-manifests/ and argocd/) validates against its strict schema;
 * a kind with no schema fails.
 */
import { describe, expect, it } from "vitest";
import { synthesize } from "../../cdk8s/synth.js";
import { parseFiles } from "./support/manifests.js";
import { findSchema, validateDocument, validatorFor } from "../support/schemas.js";

const files = parseFiles(synthesize());

describe("schemas", () => {
  it("synthesizes documents for both output roots", () => {
    expect(files.some((f) => f.path.startsWith("dist-manifests/"))).toBe(true);
    expect(files.some((f) => f.path.startsWith("argocd/"))).toBe(true);
  });

  it.each(files.map((f) => [f.path, f.doc] as const))(
    "%s validates against its strict schema",
    (_path, doc) => {
      expect(validateDocument(doc)).toEqual([]);
    },
  );

  it("has no schema for an unknown kind, and fails on it", () => {
    expect(findSchema("example.com/v1", "Unknown")).toBeUndefined();
    expect(() => validatorFor("example.com/v1", "Unknown")).toThrow(/no schema for example.com\/v1 Unknown/);
  });

  it("rejects unknown fields in built-in kinds and in custom resources", () => {
    const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: {}, extra: 1 };
    expect(validateDocument(configMap).join("\n")).toMatch(/additional/);
    const scaled = files.find((f) => f.doc.kind === "ScaledObject")!.doc;
    const bad = { ...scaled, spec: { ...scaled.spec, maxReplicas: 3 } };
    expect(validateDocument(bad).join("\n")).toMatch(/additional/);
    const badMeta = { ...scaled, metadata: { ...scaled.metadata, labelz: {} } };
    expect(validateDocument(badMeta).join("\n")).toMatch(/additional/);
  });

  it("derives the same strictness from swagger for a built-in kind", async () => {
    const { schemaFromSwagger } = await import("../support/schemas.js");
    const derived = schemaFromSwagger("apps", "v1", "Deployment");
    expect(derived).toBeDefined();
    expect(derived!.additionalProperties).toBe(false);
  });
});
