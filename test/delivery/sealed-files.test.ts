/**
 * The committed sealed Secrets match what the manifests deploy: strict scope ciphertexts are
 * bound to namespace/name, so a SealedSecret synthesized into another namespace or under another
 * name (or with a scope annotation) would never decrypt in the cluster.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  BROKER_BY_ENVIRONMENT,
  ENVIRONMENTS,
  ENVIRONMENT_NAMES,
  type EnvironmentName,
} from "../../cdk8s/config.js";
import { PLACEHOLDER_CIPHERTEXT } from "../../cdk8s/secrets/broker-credentials.js";
import { sealableSecrets, type SealedSecretSpec } from "../../cdk8s/secrets/catalog.js";
import type { SealedDocument } from "../../cdk8s/secrets/sealed-file.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";

interface SealedSecretManifest {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec: {
    encryptedData: Record<string, string>;
    template?: { metadata?: { name?: string; namespace?: string } };
  };
}

/** Every Secret `npm run seal` writes for an environment, copies included, with the manifest that carries it. */
function sealedSpecs(env: EnvironmentName): { spec: SealedSecretSpec; manifestDir: string }[] {
  const pipelineNamespace = ENVIRONMENTS[env].namespace;
  return sealableSecrets(env, BROKER_BY_ENVIRONMENT[env])
    .flatMap((spec) => [spec, ...(spec.copies ?? [])])
    .map((spec) => ({
      spec,
      manifestDir: join(
        REPO_ROOT,
        "dist-manifests",
        spec.namespace === pipelineNamespace ? env : `${env}-platform`,
      ),
    }));
}

describe.each(ENVIRONMENT_NAMES)("sealed credentials of %s", (env) => {
  describe.each(sealedSpecs(env).map((s) => [s.spec.name, s] as const))(
    "%s",
    (name, { spec, manifestDir }) => {
      const sealed = JSON.parse(
        readFileSync(join(REPO_ROOT, "cdk8s", "sealed", env, `${name}.json`), "utf8"),
      ) as Partial<SealedDocument>;
      const manifest = parse(
        readFileSync(join(manifestDir, `sealedsecret-${name}.yaml`), "utf8"),
      ) as SealedSecretManifest;

      it("were sealed with strict scope for the namespace and name the manifests use, or are the placeholder", () => {
        if (sealed.sealedFor === undefined) {
          // Not sealed yet: every value is the placeholder `npm run seal` replaces (docs/security.md).
          for (const value of Object.values(sealed.encryptedData ?? {}))
            expect(value).toBe(PLACEHOLDER_CIPHERTEXT);
        } else {
          expect(sealed.sealedFor).toMatchObject({ scope: "strict", namespace: spec.namespace, name });
          expect(sealed.sealedFor.certificateSha256).toMatch(/^[0-9a-f]{64}$/);
        }
        expect(manifest.metadata.name).toBe(name);
        expect(manifest.metadata.namespace).toBe(spec.namespace);
        const annotations = Object.keys(manifest.metadata.annotations ?? {});
        expect(annotations.filter((a) => a.startsWith("sealedsecrets.bitnami.com/"))).toEqual([]);
      });

      it("are what the synthesized SealedSecret carries (re-synthesized after sealing)", () => {
        expect(manifest.spec.encryptedData).toEqual(sealed.encryptedData);
      });
    },
  );
});
