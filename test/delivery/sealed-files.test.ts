/**
 * The committed sealed credentials match what the manifests deploy: strict scope ciphertexts are
 * bound to namespace/name, so a SealedSecret synthesized into another namespace or under another
 * name (or with a scope annotation) would never decrypt in the cluster.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ENVIRONMENTS, ENVIRONMENT_NAMES } from "../../cdk8s/config.js";
import { BROKER_CREDENTIALS_NAME } from "../../cdk8s/secrets/catalog.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import type { SealedDocument } from "../../cdk8s/secrets/sealed-file.js";

interface SealedSecretManifest {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: {
    encryptedData: Record<string, string>;
    template?: { metadata?: { name?: string; namespace?: string } };
  };
}

describe.each(ENVIRONMENT_NAMES)("sealed credentials of %s", (env) => {
  const sealed = JSON.parse(
    readFileSync(join(REPO_ROOT, "cdk8s", "sealed", env, `${BROKER_CREDENTIALS_NAME}.json`), "utf8"),
  ) as SealedDocument;
  const manifest = parse(
    readFileSync(
      join(REPO_ROOT, "dist-manifests", env, `sealedsecret-${BROKER_CREDENTIALS_NAME}.yaml`),
      "utf8",
    ),
  ) as SealedSecretManifest;

  it("were sealed with strict scope for the namespace and name the manifests use", () => {
    expect(sealed.sealedFor).toMatchObject({
      scope: "strict",
      namespace: ENVIRONMENTS[env].namespace,
      name: BROKER_CREDENTIALS_NAME,
    });
    expect(sealed.sealedFor.certificateSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.metadata.name).toBe(sealed.sealedFor.name);
    expect(manifest.metadata.namespace).toBe(sealed.sealedFor.namespace);
    const annotations = Object.keys(manifest.metadata.annotations ?? {});
    expect(annotations.filter((a) => a.startsWith("sealedsecrets.bitnami.com/"))).toEqual([]);
  });

  it("are what the synthesized SealedSecret carries (re-synthesized after sealing)", () => {
    expect(manifest.spec.encryptedData).toEqual(sealed.encryptedData);
  });
});
