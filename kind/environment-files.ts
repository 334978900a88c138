/**
 * What the kind path reads from the synthesized files of an environment, so it never restates a
 * name: the Applications Argo CD will create (argocd/<env>/), and the images and Deployments the
 * pipeline runs (dist-manifests/<env>/).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { EnvironmentName } from "../cdk8s/config.js";
import { REPO_ROOT } from "../tooling/repo-root.js";

interface ManifestObject {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly spec?: {
    readonly template?: { readonly spec?: { readonly containers?: readonly { readonly image?: string }[] } };
  };
}

function objectsIn(dir: string): ManifestObject[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".yaml"))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(dir, file), "utf8")).map((doc) => doc.toJS() as ManifestObject),
    );
}

/** The bootstrap folder `kubectl apply -f` takes, relative to the repository root. */
export const bootstrapDir = (env: EnvironmentName): string => join("argocd", env, "bootstrap");

/** Names of every Application of the environment: the root (bootstrap) and its children (apps/). */
export function applicationNames(env: EnvironmentName, root: string = REPO_ROOT): string[] {
  return ["bootstrap", "apps"].flatMap((folder) =>
    objectsIn(join(root, "argocd", env, folder))
      .filter((o) => o.kind === "Application")
      .map((o) => o.metadata?.name ?? ""),
  );
}

/** The images of the environment's pipeline workloads (Deployments and Jobs), sorted, once each. */
export function pipelineImages(env: EnvironmentName, root: string = REPO_ROOT): string[] {
  const images = objectsIn(join(root, "dist-manifests", env))
    .filter((o) => o.kind === "Deployment" || o.kind === "Job")
    .flatMap((o) => (o.spec?.template?.spec?.containers ?? []).map((c) => c.image ?? ""));
  return [...new Set(images)].filter((image) => image !== "").sort();
}

/** Namespace of the environment's Deployment `name` in dist-manifests/<env>/. */
export function deploymentNamespace(env: EnvironmentName, name: string, root: string = REPO_ROOT): string {
  const found = objectsIn(join(root, "dist-manifests", env)).find(
    (o) => o.kind === "Deployment" && o.metadata?.name === name,
  );
  if (found?.metadata?.namespace === undefined)
    throw new Error(`dist-manifests/${env}: no Deployment ${name} with a namespace`);
  return found.metadata.namespace;
}
