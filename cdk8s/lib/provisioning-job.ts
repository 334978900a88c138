/**
 * Provisioning Job: runs the consumer image with `--provision-only` (creates the stream/station,
 * the dead-letter stream and the durable consumer group, then exits 0). An Argo CD Sync hook in
 * wave 1: after the credentials and config (wave 0), before the apps (wave 2), so the durable
 * exists while the consumer sits at zero replicas and KEDA reads a real queue depth.
 * Recreated on every sync (BeforeHookCreation), so an image bump never hits the immutable Job spec.
 */
import { ApiObject, Duration, JsonPatch } from "cdk8s";
import * as kplus from "cdk8s-plus-29";
import { Construct } from "constructs";
import { SYNC_WAVE } from "./argo-annotations.js";
import { provisionEnv, type BrokerIdentity } from "./app-environment.js";
import type { AppWorkload } from "./app-workload.js";
import { PART_OF } from "./labels.js";
import {
  containerResources,
  mountTmp,
  RESTRICTED_CONTAINER_SECURITY,
  RESTRICTED_POD_SECURITY,
} from "./restricted-pod.js";

export const PROVISIONING_JOB_NAME = "provision-broker";
/** Pod labels of the Job: not the consumer's, so its Service never selects the Job pod. */
export const PROVISIONING_POD_LABELS = {
  "app.kubernetes.io/name": "provisioning",
  "app.kubernetes.io/part-of": PART_OF,
};

export interface ProvisioningJobProps {
  /** The consumer workload: the Job reuses its image, environment, ServiceAccount and resources. */
  readonly consumer: AppWorkload;
  /** Who the Job is on the broker (the one role that may create the stream and group). */
  readonly identity: BrokerIdentity;
  /** Retries before the Job fails. @default 6 */
  readonly backoffLimit?: number;
  /** Wall-clock bound of the whole Job. @default 600 s */
  readonly activeDeadlineSeconds?: number;
}

export const PROVISIONING_JOB_DEFAULTS = { backoffLimit: 6, activeDeadlineSeconds: 600 } as const;

export class ProvisioningJob extends Construct {
  readonly job: kplus.Job;

  constructor(scope: Construct, id: string, props: ProvisioningJobProps) {
    super(scope, id);
    const backoffLimit = props.backoffLimit ?? PROVISIONING_JOB_DEFAULTS.backoffLimit;
    const deadline = props.activeDeadlineSeconds ?? PROVISIONING_JOB_DEFAULTS.activeDeadlineSeconds;
    if (!Number.isInteger(backoffLimit) || backoffLimit < 0)
      throw new Error(`ProvisioningJob: backoffLimit must be a non-negative integer, got ${backoffLimit}`);
    if (!Number.isInteger(deadline) || deadline < 1)
      throw new Error(`ProvisioningJob: activeDeadlineSeconds must be a positive integer, got ${deadline}`);
    const consumer = props.consumer;

    this.job = new kplus.Job(this, "job", {
      metadata: {
        name: PROVISIONING_JOB_NAME,
        labels: { ...PROVISIONING_POD_LABELS, "app.kubernetes.io/component": "provisioning" },
        annotations: {
          "argocd.argoproj.io/hook": "Sync",
          "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation",
          "argocd.argoproj.io/sync-wave": String(SYNC_WAVE.provisioning),
        },
      },
      select: false,
      spread: false,
      podMetadata: { labels: PROVISIONING_POD_LABELS },
      serviceAccount: consumer.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: RESTRICTED_POD_SECURITY,
      backoffLimit,
      activeDeadline: Duration.seconds(deadline),
      restartPolicy: kplus.RestartPolicy.NEVER,
    });
    const container = this.job.addContainer({
      name: "provision",
      image: consumer.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ["node", "dist/apps/consumer/main.js", "--provision-only"],
      workingDir: "/app",
      envVariables: {
        ...consumer.env,
        BROKER_USERNAME: props.identity.username,
        BROKER_PASSWORD: props.identity.password,
        PROVISION: provisionEnv(props.identity),
      },
      resources: containerResources(consumer.resources),
      securityContext: RESTRICTED_CONTAINER_SECURITY,
    });
    mountTmp(this.job, container);
    ApiObject.of(this.job).addJsonPatch(
      JsonPatch.remove("/spec/template/metadata/labels/cdk8s.io~1metadata.addr"),
    );
  }
}
