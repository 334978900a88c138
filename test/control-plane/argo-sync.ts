// The order in which Argo CD would put an environment's committed documents on a cluster, as a list of steps:
// the Argo CD installation (its CRDs and namespace), the bootstrap folder applied by hand (docs/deploy.md), then
// each Application synced depth first as the app-of-apps does: its CreateNamespace destination, the CRDs its
// Helm chart installs (the vendored CRDs of that chart version), and the documents of its path in this
// repository in sync order. The root waits for each child Application's health before its next wave (the health
// check in argocd-cm), so a child is synced completely before its next sibling.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import type { KubeObject } from "./api-client.js";

/** One committed document and the file it came from (relative to the repository root). */
export interface Manifest {
  readonly file: string;
  readonly object: KubeObject;
}

export type SyncStep =
  | { readonly type: "namespace"; readonly name: string; readonly why: string }
  | { readonly type: "crds"; readonly dir: string; readonly why: string }
  | {
      readonly type: "apply";
      readonly manifest: Manifest;
      /** The Application destination namespace Argo CD gives namespaced documents without one. */
      readonly defaultNamespace: string | undefined;
      /** The Application syncing it, or "bootstrap". */
      readonly by: string;
    };

/** Every document of every .yaml file under `dir` (recursively, in file-name order). */
export function readManifests(repoRoot: string, dir: string): Manifest[] {
  const out: Manifest[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current).sort()) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith(".yaml") || entry.endsWith(".yml")) {
        for (const doc of parseAllDocuments(readFileSync(path, "utf8"))) {
          if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message}`);
          const object = doc.toJS() as KubeObject | null;
          if (object !== null) out.push({ file: relative(repoRoot, path), object });
        }
      }
    }
  };
  walk(dir);
  return out;
}

// Argo CD's sync order (argo-cd gitops-engine/pkg/sync/sync_tasks.go, syncTasks.Less): phase, then wave, then
// kind in Helm's install order (kinds not listed, custom resources among them, last), then name.
const SYNC_PHASE_ORDER: Record<string, number> = { PreSync: -1, Sync: 0, PostSync: 1, SyncFail: 2 };
const KIND_ORDER = [
  "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
  "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
  "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
  "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
  "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job",
  "CronJob", "IngressClass", "Ingress", "APIService",
]; // prettier-ignore

function annotation(object: KubeObject, key: string): string | undefined {
  const annotations = object.metadata.annotations as Record<string, string> | undefined;
  return annotations?.[key];
}

/** The sync phase: a hook's first phase (`argocd.argoproj.io/hook`), otherwise Sync. */
export function syncPhase(object: KubeObject): string {
  const hook = annotation(object, "argocd.argoproj.io/hook");
  return hook === undefined ? "Sync" : (hook.split(",")[0]?.trim() ?? "Sync");
}

export function syncWave(object: KubeObject): number {
  return Number.parseInt(annotation(object, "argocd.argoproj.io/sync-wave") ?? "0", 10);
}

function kindRank(kind: string): number {
  const index = KIND_ORDER.indexOf(kind);
  return index === -1 ? 0 : index - KIND_ORDER.length;
}

/**
 * `manifests` in Argo CD's sync order, then with each Namespace moved before the first document in it
 * (syncTasks.Sort's dependency adjustment; the moved Namespace takes that document's phase and wave).
 */
export function syncOrder(manifests: readonly Manifest[]): Manifest[] {
  const sorted = [...manifests].sort((a, b) => {
    const x = a.object;
    const y = b.object;
    return (
      (SYNC_PHASE_ORDER[syncPhase(x)] ?? 0) - (SYNC_PHASE_ORDER[syncPhase(y)] ?? 0) ||
      syncWave(x) - syncWave(y) ||
      kindRank(x.kind) - kindRank(y.kind) ||
      (x.metadata.name ?? "").localeCompare(y.metadata.name ?? "")
    );
  });
  const firstUse = new Map<string, number>();
  for (let i = 0; i < sorted.length; i++) {
    const object = (sorted[i] as Manifest).object;
    if (object.kind === "Namespace" && object.apiVersion === "v1") {
      const index = firstUse.get(object.metadata.name ?? "");
      if (index === undefined) continue;
      const [namespace] = sorted.splice(i, 1) as [Manifest];
      sorted.splice(index, 0, namespace);
      for (const [name, at] of firstUse) if (at >= index) firstUse.set(name, at + 1);
    } else if (object.metadata.namespace !== undefined && !firstUse.has(object.metadata.namespace)) {
      firstUse.set(object.metadata.namespace, i);
    }
  }
  return sorted;
}

interface ApplicationSpec {
  readonly destination: { readonly namespace?: string };
  readonly source?: {
    readonly repoURL: string;
    readonly path?: string;
    readonly chart?: string;
    readonly targetRevision?: string;
  };
  readonly syncPolicy?: { readonly syncOptions?: readonly string[] };
}

function isApplication(object: KubeObject): boolean {
  return object.kind === "Application" && object.apiVersion.startsWith("argoproj.io/");
}

export interface SyncPlanInput {
  readonly repoRoot: string;
  /** The environment's Argo CD folder, e.g. argocd/dev. */
  readonly argocdDir: string;
  /** Folder of Argo CD's own CRDs (what its installation puts on the cluster). */
  readonly argoCdCrdDir: string;
  /** Folder of a Helm chart's vendored CRDs; undefined when that chart version ships none. */
  readonly chartCrdDir: (source: {
    readonly repoURL: string;
    readonly chart: string;
    readonly version: string;
  }) => string | undefined;
}

/** The steps that put `argocdDir`'s bootstrap and everything it reaches on a cluster, in Argo CD's order. */
export function planSync(input: SyncPlanInput): SyncStep[] {
  const bootstrapDir = join(input.argocdDir, "bootstrap");
  const bootstrap = syncOrder(readManifests(input.repoRoot, bootstrapDir));
  const argoNamespaces = [
    ...new Set(bootstrap.map((m) => m.object.metadata.namespace).filter((n) => n !== undefined)),
  ];
  const steps: SyncStep[] = [
    { type: "crds", dir: input.argoCdCrdDir, why: "Argo CD's installation" },
    ...argoNamespaces.map((name): SyncStep => ({ type: "namespace", name, why: "Argo CD's installation" })),
  ];
  const synced = new Set<string>();
  const applyAll = (
    manifests: readonly Manifest[],
    defaultNamespace: string | undefined,
    by: string,
  ): void => {
    for (const manifest of manifests) {
      steps.push({ type: "apply", manifest, defaultNamespace, by });
      if (isApplication(manifest.object)) syncApplication(manifest);
    }
  };
  const syncApplication = (application: Manifest): void => {
    const name = application.object.metadata.name ?? "";
    if (synced.has(name)) throw new Error(`Application ${name} is synced twice (${application.file})`);
    synced.add(name);
    const spec = application.object.spec as ApplicationSpec;
    const destination = spec.destination.namespace;
    if (destination !== undefined && spec.syncPolicy?.syncOptions?.includes("CreateNamespace=true"))
      steps.push({ type: "namespace", name: destination, why: `Application ${name}: CreateNamespace=true` });
    const source = spec.source;
    if (source?.chart !== undefined) {
      const dir = input.chartCrdDir({ ...source, chart: source.chart, version: source.targetRevision ?? "" });
      if (dir !== undefined)
        steps.push({ type: "crds", dir, why: `Application ${name}: chart ${source.chart}` });
    } else if (source?.path !== undefined) {
      const dir = join(input.repoRoot, source.path);
      if (!existsSync(dir))
        throw new Error(
          `Application ${name} (${application.file}) syncs ${source.path}, which does not exist`,
        );
      applyAll(syncOrder(readManifests(input.repoRoot, dir)), destination, `Application ${name}`);
    } else {
      throw new Error(`Application ${name} (${application.file}) has neither source.chart nor source.path`);
    }
  };
  applyAll(bootstrap, undefined, "bootstrap");
  return steps;
}

/** The repository folders whose documents `steps` apply (to prove every committed folder is synced by someone). */
export function syncedFolders(steps: readonly SyncStep[]): Set<string> {
  const folders = new Set<string>();
  for (const step of steps)
    if (step.type === "apply") folders.add(step.manifest.file.split("/").slice(0, -1).join("/"));
  return folders;
}
