/**
 * An Argo CD Application with the project's sync policy: automated prune + selfHeal, retries with
 * backoff, CreateNamespace, the resources finalizer (deleting the Application deletes what it
 * deployed), and a sync wave that orders it among its siblings in the app-of-apps.
 */
import { Construct } from "constructs";
import type { ApplicationSpecIgnoreDifferences, ApplicationSpecSource } from "../imports/argocd-argoproj.io.js";
import { Application } from "../imports/argocd-argoproj.io.js";
import type { HelmChartSource } from "../config.js";
import { GITOPS_REPOSITORY } from "../config.js";

/** Namespace Argo CD runs in (Applications and AppProjects live there). */
export const ARGOCD_NAMESPACE = "argocd";
/** The cluster Argo CD runs in. */
export const IN_CLUSTER = "https://kubernetes.default.svc";

/** What an Application deploys. */
export type ApplicationSourceSpec =
  /** A folder of this repository (GITOPS_REPOSITORY). */
  | { readonly type: "git"; readonly path: string }
  /** A pinned Helm chart with values. */
  | {
      readonly type: "helm";
      readonly chart: HelmChartSource;
      readonly releaseName: string;
      /** @default {} */
      readonly values?: Readonly<Record<string, unknown>>;
    };

export interface ArgoApplicationProps {
  readonly name: string;
  /** AppProject name (never "default"). */
  readonly project: string;
  /** Namespace the resources go to (created if missing). */
  readonly destinationNamespace: string;
  readonly source: ApplicationSourceSpec;
  /** Sync wave among the sibling Applications of the app-of-apps. @default 0 */
  readonly syncWave?: number;
  /** Extra sync options (e.g. "ServerSideApply=true"). @default [] */
  readonly syncOptions?: readonly string[];
  /** Fields another controller owns (e.g. a KEDA-scaled Deployment's /spec/replicas). @default [] */
  readonly ignoreDifferences?: readonly ApplicationSpecIgnoreDifferences[];
}

/** Sync options every Application gets. */
export const BASE_SYNC_OPTIONS = ["CreateNamespace=true", "PruneLast=true"] as const;

export class ArgoApplication extends Construct {
  readonly application: Application;

  constructor(scope: Construct, id: string, props: ArgoApplicationProps) {
    super(scope, id);
    if (props.project === "default")
      throw new Error(`ArgoApplication ${props.name}: project "default" allows everything; use a dedicated AppProject`);
    const ignore = props.ignoreDifferences ?? [];
    const syncOptions = [
      ...BASE_SYNC_OPTIONS,
      ...(ignore.length > 0 ? ["RespectIgnoreDifferences=true"] : []),
      ...(props.syncOptions ?? []),
    ];
    const source: ApplicationSpecSource =
      props.source.type === "git"
        ? { repoUrl: GITOPS_REPOSITORY.url, targetRevision: GITOPS_REPOSITORY.targetRevision, path: props.source.path }
        : {
            repoUrl: props.source.chart.repoURL,
            chart: props.source.chart.chart,
            targetRevision: props.source.chart.version,
            helm: { releaseName: props.source.releaseName, valuesObject: { ...props.source.values } },
          };
    this.application = new Application(this, "resource", {
      metadata: {
        name: props.name,
        namespace: ARGOCD_NAMESPACE,
        finalizers: ["resources-finalizer.argocd.argoproj.io"],
        annotations: { "argocd.argoproj.io/sync-wave": String(props.syncWave ?? 0) },
      },
      spec: {
        project: props.project,
        source,
        destination: { server: IN_CLUSTER, namespace: props.destinationNamespace },
        syncPolicy: {
          automated: { prune: true, selfHeal: true },
          syncOptions,
          retry: { limit: 5, backoff: { duration: "10s", factor: 2, maxDuration: "5m" } },
        },
        ...(ignore.length > 0 ? { ignoreDifferences: [...ignore] } : {}),
      },
    });
  }
}
