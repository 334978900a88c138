import { Construct } from "constructs";
import * as kplus from "cdk8s-plus-29";
import type { AppWorkload } from "./app-workload.js";
import { SYNC_WAVE, syncWave } from "./argo-annotations.js";
import { objectLabels } from "./labels.js";

export interface PodDisruptionBudgetProps {
  /** The workload whose pods it protects (selector taken from it). */
  readonly workload: AppWorkload;
  /** Pods that may be down for voluntary disruptions at once. @default 1 */
  readonly maxUnavailable?: number;
}

/** A policy/v1 PodDisruptionBudget selecting a workload's pods; unhealthy pods may always be evicted. */
export class PodDisruptionBudget extends Construct {
  readonly resource: kplus.k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: PodDisruptionBudgetProps) {
    super(scope, id);
    const maxUnavailable = props.maxUnavailable ?? 1;
    if (!Number.isInteger(maxUnavailable) || maxUnavailable < 1)
      throw new Error(
        `PodDisruptionBudget: maxUnavailable must be a positive integer, got ${maxUnavailable}`,
      );
    this.resource = new kplus.k8s.KubePodDisruptionBudget(this, "resource", {
      metadata: {
        name: props.workload.name,
        labels: objectLabels(props.workload.app),
        annotations: syncWave(SYNC_WAVE.apps),
      },
      spec: {
        maxUnavailable: kplus.k8s.IntOrString.fromNumber(maxUnavailable),
        unhealthyPodEvictionPolicy: "AlwaysAllow",
        selector: { matchLabels: { ...props.workload.podLabels } },
      },
    });
  }
}
