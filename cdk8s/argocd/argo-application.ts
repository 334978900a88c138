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

/**
 * Sync retries, sized for a first deploy. Argo CD's automated sync does not retry a revision whose
 * sync failed once the retries are spent; only a new commit or a manual sync starts it again
 * (argo-cd docs/user-guide/auto_sync.md). On a first deploy syncs fail until the steps a person does
 * are done (docs/deploy.md: images built, credentials sealed for the new controller): the
 * provisioning hook cannot connect, CRDs and webhooks are still starting. The retries therefore span
 * `firstDeployMinutes` of exponential back-off capped at `maxBackoffSeconds`.
 */
export const SYNC_RETRY = {
  firstDeployMinutes: 60,
  initialBackoffSeconds: 10,
  factor: 2,
  maxBackoffSeconds: 300,
} as const;

/** Back-off of each retry in seconds (Argo CD: duration × factor^n, capped at maxDuration). */
export function retryBackoffs(limit: number, retry: typeof SYNC_RETRY = SYNC_RETRY): number[] {
  return Array.from({ length: limit }, (_, n) =>
    Math.min(retry.initialBackoffSeconds * retry.factor ** n, retry.maxBackoffSeconds),
  );
}

/** The fewest retries whose back-offs add up to the first-deploy window. */
export function retryLimit(retry: typeof SYNC_RETRY = SYNC_RETRY): number {
  let limit = 0;
  while (retryBackoffs(limit, retry).reduce((a, b) => a + b, 0) < retry.firstDeployMinutes * 60) limit++;
  return limit;
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
          retry: {
            limit: retryLimit(),
            backoff: {
              duration: `${SYNC_RETRY.initialBackoffSeconds}s`,
              factor: SYNC_RETRY.factor,
              maxDuration: `${SYNC_RETRY.maxBackoffSeconds}s`,
            },
          },
        },
        ...(ignore.length > 0 ? { ignoreDifferences: [...ignore] } : {}),
      },
    });
  }
}
