/**
 * One pipeline application as it runs in the cluster: its ServiceAccount (no token), a Deployment
 * under the restricted Pod Security Standard, a metrics Service (port "http") and a ServiceMonitor.
 * Producer and consumer are both built from it.
 */
import { ApiObject, Duration, JsonPatch } from "cdk8s";
import * as kplus from "cdk8s-plus-29";
import { Construct } from "constructs";
import type { ContainerResources } from "../config.js";
import { ServiceMonitor } from "../imports/prometheus-operator-monitoring.coreos.com.js";
import { HTTP_PORT, HTTP_PORT_NAME } from "./app-environment.js";
import { SYNC_WAVE, syncWave } from "./argo-annotations.js";
import type { AppName } from "./labels.js";
import { objectLabels, selectorLabels } from "./labels.js";
import {
  containerResources,
  mountTmp,
  RESTRICTED_CONTAINER_SECURITY,
  RESTRICTED_POD_SECURITY,
} from "./restricted-pod.js";

export interface AppWorkloadProps {
  /** Which application: names the Deployment, Service, ServiceAccount and selects the pods. */
  readonly app: AppName;
  /** Full image reference, `repository:tag`. */
  readonly image: string;
  /** Container environment. */
  readonly env: Readonly<Record<string, kplus.EnvValue>>;
  readonly resources: ContainerResources;
  /**
   * Fixed replica count. Leave undefined when an autoscaler owns the count (`autoscaled: true`):
   * then the Deployment has no `replicas` field at all.
   * @default 1 (when not autoscaled)
   */
  readonly replicas?: number;
  /**
   * An autoscaler (KEDA ScaledObject) owns `spec.replicas`. Mutually exclusive with `replicas`.
   * @default false
   */
  readonly autoscaled?: boolean;
  /** Seconds between SIGTERM and SIGKILL. @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /** Extra pod template annotations (e.g. a config checksum). @default {} */
  readonly podAnnotations?: Readonly<Record<string, string>>;
}

/** Resolved defaults of `AppWorkloadProps`. */
export const APP_WORKLOAD_DEFAULTS = {
  replicas: 1,
  autoscaled: false,
  terminationGracePeriodSeconds: 30,
} as const;

export class AppWorkload extends Construct {
  readonly app: AppName;
  readonly serviceAccount: kplus.ServiceAccount;
  readonly deployment: kplus.Deployment;
  readonly container: kplus.Container;
  readonly service: kplus.Service;
  readonly serviceMonitor: ServiceMonitor;
  /** Labels the pods carry and every selector of them uses. */
  readonly podLabels: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, kplus.EnvValue>>;
  readonly image: string;
  readonly resources: ContainerResources;

  constructor(scope: Construct, id: string, props: AppWorkloadProps) {
    super(scope, id);
    const autoscaled = props.autoscaled ?? APP_WORKLOAD_DEFAULTS.autoscaled;
    if (autoscaled && props.replicas !== undefined)
      throw new Error(
        `AppWorkload ${props.app}: replicas (${props.replicas}) and autoscaled: true are mutually exclusive`,
      );
    const replicas = autoscaled ? undefined : (props.replicas ?? APP_WORKLOAD_DEFAULTS.replicas);
    if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0))
      throw new Error(`AppWorkload ${props.app}: replicas must be a non-negative integer, got ${replicas}`);
    const grace = props.terminationGracePeriodSeconds ?? APP_WORKLOAD_DEFAULTS.terminationGracePeriodSeconds;
    if (!Number.isInteger(grace) || grace <= 0)
      throw new Error(
        `AppWorkload ${props.app}: terminationGracePeriodSeconds must be a positive integer, got ${grace}`,
      );

    this.app = props.app;
    this.podLabels = selectorLabels(props.app);
    this.env = props.env;
    this.image = props.image;
    this.resources = props.resources;
    const labels = objectLabels(props.app);

    this.serviceAccount = new kplus.ServiceAccount(this, "service-account", {
      metadata: { name: props.app, labels, annotations: syncWave(SYNC_WAVE.config) },
      automountToken: false,
    });

    this.deployment = new kplus.Deployment(this, "deployment", {
      metadata: { name: props.app, labels, annotations: syncWave(SYNC_WAVE.apps) },
      replicas,
      select: false,
      spread: false,
      podMetadata: { labels: this.podLabels, annotations: { ...props.podAnnotations } },
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: RESTRICTED_POD_SECURITY,
      terminationGracePeriod: Duration.seconds(grace),
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.podLabels }));
    if (autoscaled) this.deployment.markHasAutoscaler();

    this.container = this.deployment.addContainer({
      name: props.app,
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ["node", `dist/apps/${props.app}/main.js`],
      workingDir: "/app",
      ports: [{ number: HTTP_PORT, name: HTTP_PORT_NAME }],
      envVariables: { ...props.env },
      resources: containerResources(props.resources),
      securityContext: RESTRICTED_CONTAINER_SECURITY,
      liveness: kplus.Probe.fromHttpGet("/livez", {
        port: HTTP_PORT,
        periodSeconds: Duration.seconds(10),
        timeoutSeconds: Duration.seconds(3),
        failureThreshold: 3,
      }),
      readiness: kplus.Probe.fromHttpGet("/readyz", {
        port: HTTP_PORT,
        periodSeconds: Duration.seconds(5),
        timeoutSeconds: Duration.seconds(3),
        failureThreshold: 2,
      }),
    });
    mountTmp(this.deployment, this.container);

    const kube = ApiObject.of(this.deployment);
    // cdk8s-plus probes take a port number only; the contract names the port. Patches apply before
    // the typed KubeDeployment conversion, hence the IntOrString value.
    const namedPort = kplus.k8s.IntOrString.fromString(HTTP_PORT_NAME);
    for (const probe of ["livenessProbe", "readinessProbe"])
      kube.addJsonPatch(
        JsonPatch.replace(`/spec/template/spec/containers/0/${probe}/httpGet/port`, namedPort),
      );
    // cdk8s-plus adds a construct-path label to pod templates; our selectors use pinned labels only.
    kube.addJsonPatch(JsonPatch.remove("/spec/template/metadata/labels/cdk8s.io~1metadata.addr"));

    this.service = new kplus.Service(this, "service", {
      metadata: { name: props.app, labels, annotations: syncWave(SYNC_WAVE.config) },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: HTTP_PORT_NAME, port: HTTP_PORT, targetPort: HTTP_PORT }],
    });

    for (const [key, value] of Object.entries(this.podLabels)) this.service.selectLabel(key, value);

    this.serviceMonitor = new ServiceMonitor(this, "service-monitor", {
      metadata: { name: props.app, labels, annotations: syncWave(SYNC_WAVE.apps) },
      spec: {
        selector: { matchLabels: { ...labels } },
        endpoints: [{ port: HTTP_PORT_NAME, path: "/metrics", interval: "15s" }],
      },
    });
  }

  /** Name of the Deployment (for scale targets and references). */
  get name(): string {
    return this.deployment.name;
  }
}
