/**
 * Argo CD objects of one environment (one cluster per environment), synthesized into `argocd/<env>/`:
 *  - `bootstrap/`: the two AppProjects and the root Application (app-of-apps), applied once by hand;
 *  - `apps/`: the child Applications the root Application syncs: infrastructure charts and the pipeline.
 */
import { ApiObject, Chart } from "cdk8s";
import * as kplus from "cdk8s-plus-29";
import type { Construct } from "constructs";
import type { BrokerKind } from "../../src/broker/port.js";
import type { EnvironmentName } from "../config.js";
import { GITOPS_REPOSITORY } from "../config.js";
import type { PipelineChart } from "../charts/pipeline-chart.js";
import { ARGOCD_NAMESPACE, ArgoApplication } from "./argo-application.js";
import type { GroupKind } from "./app-project.js";
import { ArgoProject } from "./app-project.js";
import { APP_WAVE, infrastructureApplications } from "./infrastructure.js";
import type { PlatformSecretsChart } from "../secrets/platform-secrets-chart.js";

export const PLATFORM_PROJECT = "event-pipeline-platform";
export const PIPELINE_PROJECT = "event-pipeline";
export const PIPELINE_APPLICATION = "event-pipeline";

/** Folder of the child Applications, relative to the repository root. */
export function appsPath(env: EnvironmentName): string {
  return `argocd/${env}/apps`;
}
/** Folder of an environment's pipeline manifests, relative to the repository root. */
export function manifestsPath(env: EnvironmentName): string {
  return `dist-manifests/${env}`;
}
/** Folder of an environment's sealed platform Secrets, relative to the repository root. */
export function platformManifestsPath(env: EnvironmentName): string {
  return `dist-manifests/${env}-platform`;
}
export const PLATFORM_SECRETS_APPLICATION = "platform-secrets";

/**
 * Argo CD's health check for Application resources, removed from Argo CD in 1.8 (argoproj/argo-cd#3781):
 * without it the root Application does not wait for a wave's Applications to be healthy before the
 * next wave (argo-cd docs/operator-manual/health.md, "Argo CD App"; the Lua there).
 */
export const APPLICATION_HEALTH_KEY = "resource.customizations.health.argoproj.io_Application";
export const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
end
return hs
`;

/** The given kinds of one API group, in the order given. */
function inGroup(group: string, ...kinds: string[]): GroupKind[] {
  return kinds.map((kind) => ({ group, kind }));
}

/** Cluster-scoped kinds the infrastructure charts install. */
const PLATFORM_CLUSTER_KINDS: readonly GroupKind[] = [
  ...inGroup("", "Namespace"),
  ...inGroup("apiextensions.k8s.io", "CustomResourceDefinition"),
  ...inGroup("rbac.authorization.k8s.io", "ClusterRole", "ClusterRoleBinding"),
  ...inGroup("apiregistration.k8s.io", "APIService"),
  ...inGroup("admissionregistration.k8s.io", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"),
];

/** Namespaced kinds the infrastructure charts (and the root Application) create. */
const PLATFORM_NAMESPACED_KINDS: readonly GroupKind[] = [
  ...inGroup("", "ConfigMap", "Secret", "Service", "ServiceAccount", "PersistentVolumeClaim"),
  ...inGroup("apps", "Deployment", "StatefulSet", "DaemonSet"),
  ...inGroup("batch", "Job"),
  ...inGroup("policy", "PodDisruptionBudget"),
  ...inGroup("rbac.authorization.k8s.io", "Role", "RoleBinding"),
  ...inGroup("networking.k8s.io", "NetworkPolicy"),
  ...inGroup("monitoring.coreos.com", "ServiceMonitor", "PodMonitor", "PrometheusRule", "Prometheus", "Alertmanager"),
  ...inGroup("argoproj.io", "Application"),
  // The sealed Secrets the charts read (platform-secrets Application).
  ...inGroup("bitnami.com", "SealedSecret"),
];

function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? (apiVersion.split("/")[0] ?? "") : "";
}

/** Kinds a chart synthesizes, split by scope (only Namespace is cluster-scoped in the pipeline). */
export function kindsOf(chart: Chart): { cluster: GroupKind[]; namespaced: GroupKind[] } {
  const all = chart.node
    .findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject)
    .map((o) => ({ group: groupOf(o.apiVersion), kind: o.kind }));
  return {
    cluster: all.filter((k) => k.kind === "Namespace"),
    namespaced: all.filter((k) => k.kind !== "Namespace"),
  };
}

export interface ArgoChartProps {
  readonly environment: EnvironmentName;
  readonly broker: BrokerKind;
  /** The environment's pipeline: its kinds, namespace and consumer Deployment are read from it. */
  readonly pipeline: PipelineChart;
  /** The environment's sealed platform Secrets: their namespaces are destinations of the platform project. */
  readonly platformSecrets: PlatformSecretsChart;
}

/** AppProjects and the root Application: `kubectl apply -f argocd/<env>/bootstrap/` once. */
export class ArgoBootstrapChart extends Chart {
  readonly platformProject: ArgoProject;
  readonly pipelineProject: ArgoProject;
  readonly root: ArgoApplication;

  constructor(scope: Construct, id: string, props: ArgoChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const infra = infrastructureApplications(props.environment, props.broker);
    const pipelineKinds = kindsOf(props.pipeline);

    this.platformProject = new ArgoProject(this, "platform-project", {
      name: PLATFORM_PROJECT,
      description: "Operators, broker and observability of the event pipeline, plus the app-of-apps itself.",
      sourceRepos: [GITOPS_REPOSITORY.url, ...infra.map((a) => a.source.chart.repoURL)],
      destinationNamespaces: [
        ARGOCD_NAMESPACE,
        ...infra.map((a) => a.destinationNamespace),
        ...props.platformSecrets.namespaces,
      ],
      clusterResources: PLATFORM_CLUSTER_KINDS,
      namespacedResources: PLATFORM_NAMESPACED_KINDS,
    });
    this.pipelineProject = new ArgoProject(this, "pipeline-project", {
      name: PIPELINE_PROJECT,
      description: "The event pipeline's own manifests (dist-manifests/<env>), synthesized by cdk8s.",
      sourceRepos: [GITOPS_REPOSITORY.url],
      destinationNamespaces: [props.pipeline.namespaceName],
      clusterResources: pipelineKinds.cluster,
      namespacedResources: pipelineKinds.namespaced,
    });
    this.root = new ArgoApplication(this, "root", {
      name: "event-pipeline-root",
      project: this.platformProject.name,
      destinationNamespace: ARGOCD_NAMESPACE,
      source: { type: "git", path: appsPath(props.environment) },
    });
    // Applied with the bootstrap: `kubectl apply` merges this key into the existing argocd-cm.
    new kplus.k8s.KubeConfigMap(this, "argocd-cm", {
      metadata: {
        name: "argocd-cm",
        namespace: ARGOCD_NAMESPACE,
        labels: { "app.kubernetes.io/name": "argocd-cm", "app.kubernetes.io/part-of": "argocd" },
      },
      data: { [APPLICATION_HEALTH_KEY]: APPLICATION_HEALTH_LUA },
    });
  }
}

/** The child Applications of the root Application. */
export class ArgoAppsChart extends Chart {
  readonly pipelineApplication: ArgoApplication;

  constructor(scope: Construct, id: string, props: ArgoChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    for (const app of infrastructureApplications(props.environment, props.broker))
      new ArgoApplication(this, app.name, { ...app, project: PLATFORM_PROJECT });
    new ArgoApplication(this, PLATFORM_SECRETS_APPLICATION, {
      name: PLATFORM_SECRETS_APPLICATION,
      project: PLATFORM_PROJECT,
      // Its objects carry their own namespaces; the first one is the nominal destination.
      destinationNamespace: props.platformSecrets.namespaces[0] ?? ARGOCD_NAMESPACE,
      source: { type: "git", path: platformManifestsPath(props.environment) },
      syncWave: APP_WAVE.platformSecrets,
      syncOptions: ["SkipDryRunOnMissingResource=true"],
    });

    const consumerDeployment = props.pipeline.consumer.workload.deployment;
    this.pipelineApplication = new ArgoApplication(this, "pipeline", {
      name: PIPELINE_APPLICATION,
      project: PIPELINE_PROJECT,
      destinationNamespace: props.pipeline.namespaceName,
      source: { type: "git", path: manifestsPath(props.environment) },
      syncWave: APP_WAVE.pipeline,
      // ScaledObject, ServiceMonitor, PodMonitor and SealedSecret CRDs may still be arriving on a first sync.
      syncOptions: ["SkipDryRunOnMissingResource=true"],
      // KEDA owns the consumer's replica count.
      ignoreDifferences: [
        {
          group: "apps",
          kind: "Deployment",
          name: consumerDeployment.name,
          namespace: props.pipeline.namespaceName,
          jsonPointers: ["/spec/replicas"],
        },
      ],
    });
  }
}
