/**
 * The scaler reads its rules from the committed manifests, never from a restatement: the values
 * read agree with what cdk8s synthesized them from (cdk8s/config.ts), and what the manifest leaves
 * out takes the upstream default.
 */
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES, ENVIRONMENTS } from "../../../cdk8s/config.js";
import { resolveConsumerSettings } from "../../../cdk8s/lib/consumer.js";
import { readConsumerManifests, scalingSpecOf } from "../../../local/scaler/manifest-spec.js";
import { SCALING_DEFAULTS } from "../../../local/scaler/scaling-spec.js";

describe("scaling spec from dist-manifests/<env>/", () => {
  for (const env of ENVIRONMENT_NAMES) {
    it(`${env}: the ScaledObject and Deployment as synthesized from cdk8s/config.ts`, () => {
      const { scaling, pod } = readConsumerManifests(env);
      const { scaling: bounds, settings: overrides } = ENVIRONMENTS[env].consumer;
      const settings = resolveConsumerSettings(overrides);
      expect(scaling.maxReplicaCount).toBe(bounds.maxReplicas);
      expect(scaling.lagThreshold).toBe(bounds.lagThreshold);
      expect(scaling.activationLagThreshold).toBe(bounds.activationLagThreshold);
      expect(scaling.fallback?.replicas).toBe(bounds.fallbackReplicas);
      expect(scaling.hpa.minReplicas).toBe(1);
      expect(pod.env.WORK_TIME_MS).toBe(String(settings.WORK_TIME_MS));
      expect(pod.env.CONCURRENCY).toBe(String(settings.CONCURRENCY));
      expect(pod.env.BROKER_PASSWORD).toBeUndefined(); // a secretKeyRef, not a value
      expect(pod.readinessPath).toBe("/readyz");
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(0);
    });
  }

  it("what the ScaledObject leaves out takes the KEDA and Kubernetes defaults", () => {
    const spec = scalingSpecOf({
      spec: { triggers: [{ type: "nats-jetstream", metadata: { stream: "s", consumer: "c" } }] },
    });
    expect(spec).toMatchObject({
      pollingIntervalSeconds: 30,
      cooldownPeriodSeconds: 300,
      minReplicaCount: 0,
      maxReplicaCount: 100,
      fallback: undefined,
      lagThreshold: 10,
      activationLagThreshold: 0,
    });
    expect(spec.hpa.scaleUp).toEqual(SCALING_DEFAULTS.hpa.scaleUp);
    expect(spec.hpa.scaleDown).toEqual({
      ...SCALING_DEFAULTS.hpa.scaleDown,
      stabilizationWindowSeconds: 300,
    });
  });

  it("a behavior that sets only a window keeps the default policies", () => {
    const spec = scalingSpecOf({
      spec: {
        triggers: [{ type: "nats-jetstream", metadata: {} }],
        advanced: {
          horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } },
        },
      },
    });
    expect(spec.hpa.scaleDown.stabilizationWindowSeconds).toBe(60);
    expect(spec.hpa.scaleDown.policies).toEqual(SCALING_DEFAULTS.hpa.scaleDown.policies);
  });

  it("a metricType other than AverageValue is refused, not modelled wrongly", () => {
    expect(() =>
      scalingSpecOf({ spec: { triggers: [{ type: "nats-jetstream", metricType: "Value", metadata: {} }] } }),
    ).toThrow(/AverageValue/);
  });

  it("no nats-jetstream trigger is an error", () => {
    expect(() => scalingSpecOf({ spec: { triggers: [{ type: "cpu" }] } })).toThrow(/nats-jetstream/);
  });
});
