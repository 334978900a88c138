/**
 * What the local scaler decides from: the consumer's ScaledObject (KEDA 2.20) with the HPA settings
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

/**
 * KEDA `fallback.behavior` (kedacore/keda@v2.20.2 apis/keda/v1alpha1/scaledobject_types.go, default
 * `static`); `scalingModifiers` is left out: it needs `advanced.scalingModifiers`, which the
 * ScaledObject does not use.
 */
export type FallbackBehavior =
  "static" | "currentReplicas" | "currentReplicasIfHigher" | "currentReplicasIfLower";

/** KEDA `fallback`, every field resolved. */
export interface ScalingFallback {
  readonly failureThreshold: number;
  readonly replicas: number;
  readonly behavior: FallbackBehavior;
}

export interface ScalingSpec {
  /** KEDA `pollingInterval`: seconds between the scale loop's polls of the trigger. */
  readonly pollingIntervalSeconds: number;
  /** KEDA `cooldownPeriod`: seconds without activity before scaling to `minReplicaCount`. */
  readonly cooldownPeriodSeconds: number;
  readonly minReplicaCount: number;
  readonly maxReplicaCount: number;
  /** KEDA `fallback`; undefined when the ScaledObject has none. */
  readonly fallback: ScalingFallback | undefined;
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
 *   (https://keda.sh/docs/2.20/reference/scaledobject-spec/), activationLagThreshold 0 and
 *   lagThreshold 10 (kedacore/keda@v2.20.2 pkg/scalers/nats_jetstream_scaler.go, the `default=`
 *   tags of the metadata struct), fallback behavior `static`.
 * - kube-controller-manager 1.35: sync period 15 s, tolerance 0.1, downscale stabilization 300 s
 *   (kubernetes@v1.35.6 pkg/controller/podautoscaler/config/v1alpha1/defaults.go).
 * - HPA behavior defaults, kubernetes@v1.35.6:pkg/apis/autoscaling/v2/defaults.go: scale-up
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
  fallbackBehavior: "static",
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
  fallbackBehavior: FallbackBehavior;
  hpa: {
    syncPeriodSeconds: number;
    tolerance: number;
    downscaleStabilizationSeconds: number;
    scaleUp: ScalingRules;
    scaleDown: Omit<ScalingRules, "stabilizationWindowSeconds">;
  };
  pod: Record<string, number>;
};
