// Carries out a sync plan against a real API server: namespaces created, CRDs applied and waited for until
// established and served, documents server-side applied. Every outcome is recorded; the first rejection stops
// the run (a later document may depend on the rejected one, as in a real sync).
import { resolve } from "node:path";
import type { KubeApiClient, KubeObject } from "./api-client.js";
import { readManifests, type SyncStep } from "./argo-sync.js";

export interface AppliedDocument {
  readonly file: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly by: string;
  /** HTTP status of the apply (200 updated, 201 created). */
  readonly status: number;
  /** Warning headers the server returned (deprecations and the like). */
  readonly warnings: readonly string[];
}

export class RejectedDocument extends Error {
  constructor(
    readonly file: string,
    readonly error: unknown,
  ) {
    super(`${file}: ${(error as Error).message}`);
  }
}

interface Crd {
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly group: string;
    readonly names: { readonly kind: string };
    readonly versions: readonly { readonly name: string; readonly served: boolean }[];
  };
  readonly status?: { readonly conditions?: readonly { readonly type: string; readonly status: string }[] };
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let lastError = "";
  for (;;) {
    try {
      if (await condition()) return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what} ${lastError}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Applies the CRDs of `dir` and waits until each is established and its kinds are in discovery. */
async function applyCrds(client: KubeApiClient, repoRoot: string, dir: string): Promise<AppliedDocument[]> {
  const applied: AppliedDocument[] = [];
  const crds = readManifests(repoRoot, dir).filter((m) => m.object.kind === "CustomResourceDefinition");
  if (crds.length === 0) throw new Error(`${dir} holds no CustomResourceDefinition`);
  for (const manifest of crds) {
    try {
      const response = await client.apply(manifest.object);
      applied.push(
        record(manifest.file, manifest.object, undefined, "CRDs", response.status, response.warnings),
      );
    } catch (error) {
      throw new RejectedDocument(manifest.file, error);
    }
  }
  for (const manifest of crds) {
    const crd = manifest.object as unknown as Crd;
    const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`;
    await until(`CRD ${crd.metadata.name} established`, async () => {
      const current = (await client.get(path)) as Crd;
      return (
        current.status?.conditions?.some((c) => c.type === "Established" && c.status === "True") ?? false
      );
    });
    for (const version of crd.spec.versions.filter((v) => v.served)) {
      await until(`${crd.spec.names.kind} ${crd.spec.group}/${version.name} in discovery`, async () => {
        await client.resourceFor(`${crd.spec.group}/${version.name}`, crd.spec.names.kind);
        return true;
      });
    }
  }
  return applied;
}

function record(
  file: string,
  object: KubeObject,
  defaultNamespace: string | undefined,
  by: string,
  status: number,
  warnings: readonly string[],
): AppliedDocument {
  return {
    file,
    kind: object.kind,
    name: object.metadata.name ?? "",
    namespace: object.metadata.namespace ?? defaultNamespace,
    by,
    status,
    warnings,
  };
}

/** Runs `steps` in order; resolves with every applied document, rejects with RejectedDocument at the first refusal. */
export async function applySteps(
  client: KubeApiClient,
  repoRoot: string,
  steps: readonly SyncStep[],
): Promise<AppliedDocument[]> {
  const applied: AppliedDocument[] = [];
  for (const step of steps) {
    if (step.type === "namespace") {
      const namespace: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: step.name } };
      await client.apply(namespace);
    } else if (step.type === "crds") {
      applied.push(...(await applyCrds(client, repoRoot, resolve(repoRoot, step.dir))));
    } else {
      const { manifest, defaultNamespace, by } = step;
      try {
        const response = await client.apply(manifest.object, defaultNamespace);
        applied.push(
          record(manifest.file, manifest.object, defaultNamespace, by, response.status, response.warnings),
        );
      } catch (error) {
        throw new RejectedDocument(manifest.file, error);
      }
    }
  }
  return applied;
}
