/**
 * What the local scaler decides from: the consumer's ScaledObject (KEDA 2.16) with the HPA settings
 * KEDA derives from it, every default that the manifest leaves out filled in here, in one place.
 * `readScalingSpec` (manifest-spec.ts) builds it from the committed dist-manifests/<env>/ YAML.
 */

/** HPAScalingPolicy (autoscaling/v2). */
export interface ScalingPolicy {
  readonly type: "Pods" | "Percent";
  readonly value: number;
  readonly periodSeconds: number;
}

/** HPAScalingRules (autoscaling/v2), every field resolved. */
export interface ScalingRules {
  readonly stabilizationWindowSeconds: number;
  readonly selectPolicy: "Max" | "Min" | "Disabled";
  readonly policies: readonly ScalingPolicy[];
}

export interface ScalingSpec {
  /** KEDA `pollingInterval`: seconds between the scale loop's polls of the trigger. */
  readonly pollingIntervalSeconds: number;
  /** KEDA `cooldownPeriod`: seconds without activity before scaling to `minReplicaCount`. */
  readonly cooldownPeriodSeconds: number;
  readonly minReplicaCount: number;
  readonly maxReplicaCount: number;
  /** KEDA `fallback`; undefined when the ScaledObject has none. */
  readonly fallback: { readonly failureThreshold: number; readonly replicas: number } | undefined;
  /** nats-jetstream trigger `lagThreshold`: the HPA's AverageValue target per replica. */
  readonly lagThreshold: number;
  /** nats-jetstream trigger `activationLagThreshold`: active when lag is above it. */
  readonly activationLagThreshold: number;
  /** The HPA KEDA creates for the ScaledObject. */
  readonly hpa: {
    /** kube-controller-manager `--horizontal-pod-autoscaler-sync-period`. */
    readonly syncPeriodSeconds: number;
    /** `--horizontal-pod-autoscaler-tolerance`. */
    readonly tolerance: number;
    /** max(minReplicaCount, 1): the HPA never goes below 1; KEDA owns 1 ↔ 0. */
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly scaleUp: ScalingRules;
    readonly scaleDown: ScalingRules;
  };
}

/**
 * Defaults, each from its upstream source:
 * - KEDA: pollingInterval 30, cooldownPeriod 300, minReplicaCount 0, maxReplicaCount 100
 *   (https://keda.sh/docs/2.16/reference/scaledobject-spec/), activationLagThreshold 0 and
 *   lagThreshold 10 (https://keda.sh/docs/2.16/scalers/nats-jetstream/).
 * - kube-controller-manager 1.29: sync period 15 s, tolerance 0.1, downscale stabilization 300 s
 *   (https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/).
 * - HPA behavior defaults, kubernetes@v1.29.0:pkg/apis/autoscaling/v2/defaults.go: scale-up
 *   window 0, Max of 4 Pods / 100 % per 15 s; scale-down Max of 100 % per 15 s, window from the
 *   controller flag (maybeInitScaleDownStabilizationWindow in horizontal.go).
 */
export const SCALING_DEFAULTS = {
  keda: {
    pollingIntervalSeconds: 30,
    cooldownPeriodSeconds: 300,
    minReplicaCount: 0,
    maxReplicaCount: 100,
    lagThreshold: 10,
    activationLagThreshold: 0,
  },
  hpa: {
    syncPeriodSeconds: 15,
    tolerance: 0.1,
    downscaleStabilizationSeconds: 300,
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [
        { type: "Pods", value: 4, periodSeconds: 15 },
        { type: "Percent", value: 100, periodSeconds: 15 },
      ],
    },
    scaleDown: {
      selectPolicy: "Max",
      policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
    },
  },
  /**
   * Pod template defaults (core/v1 and apps/v1 API reference): Deployment `spec.replicas` 1,
   * `terminationGracePeriodSeconds` 30, probe `periodSeconds` 10.
   */
  pod: { replicas: 1, terminationGracePeriodSeconds: 30, readinessPeriodSeconds: 10 },
} as const satisfies {
  keda: Record<string, number>;
  hpa: {
    syncPeriodSeconds: number;
    tolerance: number;
    downscaleStabilizationSeconds: number;
    scaleUp: ScalingRules;
    scaleDown: Omit<ScalingRules, "stabilizationWindowSeconds">;
  };
  pod: Record<string, number>;
};
