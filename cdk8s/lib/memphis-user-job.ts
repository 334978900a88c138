/**
 * memphis-user Job: creates the apps' Memphis application user from the sealed credentials, so a
 * fresh cluster needs no person in the Memphis UI. It logs in as the broker's root user
 * (ROOT_PASSWORD, sealed as `memphis-admin` from the same input as the chart's `memphis-creds`)
 * and adds BROKER_USERNAME / BROKER_PASSWORD of `broker-credentials` through the broker's HTTP API
 * (see memphis-user/create-application-user.mjs for the upstream source it relies on).
 *
 * An Argo CD Sync hook in the config wave, before the provisioning Job, which connects as that user.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ApiObject, Duration, JsonPatch } from "cdk8s";
import * as kplus from "cdk8s-plus-29";
import { Construct } from "constructs";
import type { AppWorkload } from "./app-workload.js";
import { SYNC_WAVE } from "./argo-annotations.js";
import type { BrokerEndpoints } from "./broker-endpoints.js";
import { PART_OF } from "./labels.js";
import {
  containerResources,
  mountTmp,
  RESTRICTED_CONTAINER_SECURITY,
  RESTRICTED_POD_SECURITY,
} from "./restricted-pod.js";

export const MEMPHIS_USER_JOB_NAME = "memphis-user";
/** Pod labels of the Job (part-of, so the broker egress policy covers it). */
export const MEMPHIS_USER_POD_LABELS = {
  "app.kubernetes.io/name": MEMPHIS_USER_JOB_NAME,
  "app.kubernetes.io/part-of": PART_OF,
};
const SCRIPT_FILE = "create-application-user.mjs";
const SCRIPT = readFileSync(join(import.meta.dirname, "memphis-user", SCRIPT_FILE), "utf8");

export interface MemphisUserJobProps {
  /** The consumer workload: the Job reuses its image (node), ServiceAccount, resources and credentials. */
  readonly consumer: AppWorkload;
  readonly broker: BrokerEndpoints;
  /** The Secret holding the broker's ROOT_PASSWORD. */
  readonly adminSecret: kplus.ISecret;
  /** Key of the root password in `adminSecret`. */
  readonly rootPasswordKey: string;
  /** Retries before the Job fails (the broker may still be starting). @default 10 */
  readonly backoffLimit?: number;
}

export const MEMPHIS_USER_JOB_DEFAULTS = { backoffLimit: 10, activeDeadlineSeconds: 900 } as const;

export class MemphisUserJob extends Construct {
  readonly job: kplus.Job;
  readonly script: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: MemphisUserJobProps) {
    super(scope, id);
    if (props.broker.kind !== "memphis" || props.broker.managementPort === undefined)
      throw new Error(
        `MemphisUserJob: needs a Memphis broker with a management port, got ${props.broker.kind}`,
      );
    const consumer = props.consumer;
    this.script = new kplus.ConfigMap(this, "script", {
      metadata: { name: MEMPHIS_USER_JOB_NAME, labels: MEMPHIS_USER_POD_LABELS },
      data: { [SCRIPT_FILE]: SCRIPT },
    });
    this.job = new kplus.Job(this, "job", {
      metadata: {
        name: MEMPHIS_USER_JOB_NAME,
        labels: MEMPHIS_USER_POD_LABELS,
        annotations: {
          "argocd.argoproj.io/hook": "Sync",
          "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation",
          "argocd.argoproj.io/sync-wave": String(SYNC_WAVE.config),
        },
      },
      select: false,
      spread: false,
      podMetadata: { labels: MEMPHIS_USER_POD_LABELS },
      serviceAccount: consumer.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: RESTRICTED_POD_SECURITY,
      backoffLimit: props.backoffLimit ?? MEMPHIS_USER_JOB_DEFAULTS.backoffLimit,
      activeDeadline: Duration.seconds(MEMPHIS_USER_JOB_DEFAULTS.activeDeadlineSeconds),
      restartPolicy: kplus.RestartPolicy.NEVER,
    });
    const scriptDir = "/etc/memphis-user";
    const container = this.job.addContainer({
      name: "create-user",
      image: consumer.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ["node", `${scriptDir}/${SCRIPT_FILE}`],
      envVariables: {
        MEMPHIS_API_URL: kplus.EnvValue.fromValue(
          `http://${props.broker.host}:${props.broker.managementPort}`,
        ),
        ROOT_PASSWORD: kplus.EnvValue.fromSecretValue({
          secret: props.adminSecret,
          key: props.rootPasswordKey,
        }),
        BROKER_USERNAME: consumer.env.BROKER_USERNAME!,
        BROKER_PASSWORD: consumer.env.BROKER_PASSWORD!,
      },
      resources: containerResources(consumer.resources),
      securityContext: RESTRICTED_CONTAINER_SECURITY,
    });
    // Only this Job's pods reach the broker's HTTP API (the pipeline's default-deny covers the rest).
    new kplus.k8s.KubeNetworkPolicy(this, "egress", {
      metadata: { name: `allow-${MEMPHIS_USER_JOB_NAME}-egress`, labels: MEMPHIS_USER_POD_LABELS },
      spec: {
        podSelector: { matchLabels: MEMPHIS_USER_POD_LABELS },
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": props.broker.namespace } },
                podSelector: { matchLabels: { ...props.broker.podLabels } },
              },
            ],
            ports: [{ protocol: "TCP", port: kplus.k8s.IntOrString.fromNumber(props.broker.managementPort) }],
          },
        ],
      },
    });
    container.mount(
      scriptDir,
      kplus.Volume.fromConfigMap(this, "script-volume", this.script, { name: "script" }),
    );
    mountTmp(this.job, container);
    ApiObject.of(this.job).addJsonPatch(
      JsonPatch.remove("/spec/template/metadata/labels/cdk8s.io~1metadata.addr"),
    );
  }
}
