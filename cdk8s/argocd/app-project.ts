/** An Argo CD AppProject: the exact source repositories, destinations and kinds an Application may use. */
import { Construct } from "constructs";
import { AppProject } from "../imports/argocd-argoproj.io.js";
import { ARGOCD_NAMESPACE, IN_CLUSTER } from "./argo-application.js";

/** A Kubernetes kind by API group ("" for the core group). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

export interface ArgoProjectProps {
  readonly name: string;
  readonly description: string;
  /** Exact repository URLs (no wildcards). */
  readonly sourceRepos: readonly string[];
  /** Namespaces of the in-cluster destination. */
  readonly destinationNamespaces: readonly string[];
  /** Cluster-scoped kinds allowed. @default [] (none) */
  readonly clusterResources?: readonly GroupKind[];
  /** Namespaced kinds allowed. */
  readonly namespacedResources: readonly GroupKind[];
  /** Sync wave (bootstrap ordering). @default -10 */
  readonly syncWave?: number;
}

function sortedUnique<T extends GroupKind>(kinds: readonly T[]): GroupKind[] {
  const seen = new Map<string, GroupKind>();
  for (const k of kinds) seen.set(`${k.group}/${k.kind}`, { group: k.group, kind: k.kind });
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

export class ArgoProject extends Construct {
  readonly project: AppProject;

  constructor(scope: Construct, id: string, props: ArgoProjectProps) {
    super(scope, id);
    if (props.name === "default") throw new Error('ArgoProject: name "default" is reserved; pick a dedicated name');
    for (const repo of props.sourceRepos)
      if (repo.includes("*")) throw new Error(`ArgoProject ${props.name}: sourceRepos must be exact, got ${repo}`);
    if (props.namespacedResources.length === 0)
      throw new Error(`ArgoProject ${props.name}: namespacedResources must list the kinds it deploys`);
    this.project = new AppProject(this, "resource", {
      metadata: {
        name: props.name,
        namespace: ARGOCD_NAMESPACE,
        finalizers: ["resources-finalizer.argocd.argoproj.io"],
        annotations: { "argocd.argoproj.io/sync-wave": String(props.syncWave ?? -10) },
      },
      spec: {
        description: props.description,
        sourceRepos: [...new Set(props.sourceRepos)].sort(),
        destinations: [...new Set(props.destinationNamespaces)]
          .sort()
          .map((namespace) => ({ server: IN_CLUSTER, namespace })),
        clusterResourceWhitelist: sortedUnique(props.clusterResources ?? []),
        namespaceResourceWhitelist: sortedUnique(props.namespacedResources),
        orphanedResources: { warn: true },
      },
    });
  }

  get name(): string {
    return this.project.name;
  }
}
