/**
 * The ScaledObject timings per environment: each synthesized ScaledObject carries its
 * environment's settings, dev reacts faster than prod, and every value is one the APIs accept
 * (KEDA CRD: pollingInterval >= 1, cooldownPeriod >= 0; HPA: scale-down window 0..3600).
 */
import { Chart, Testing } from "cdk8s";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_NAMES, ENVIRONMENTS } from "../../cdk8s/config.js";
import { QueueScaler } from "../../cdk8s/lib/queue-scaler.js";
import { synthesize } from "../../cdk8s/synth.js";
import { parseFiles } from "./support/manifests.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const scaledObjects = parseFiles(synthesize())
  .filter((f) => f.doc.kind === "ScaledObject")
  .map((f) => ({ env: f.path.split("/")[1], spec: f.doc.spec as any }));

describe("scaling timings", () => {
  it.each(ENVIRONMENT_NAMES)("%s: the ScaledObject carries the environment's timings", (env) => {
    const found = scaledObjects.filter((s) => s.env === env);
    expect(found).toHaveLength(1);
    const spec = found[0]?.spec;
    const c = ENVIRONMENTS[env].consumer.scaling;
    expect(spec.pollingInterval).toBe(c.pollingIntervalSeconds);
    expect(spec.cooldownPeriod).toBe(c.cooldownPeriodSeconds);
    expect(spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds).toBe(
      c.scaleDownStabilizationSeconds,
    );
    expect(c.pollingIntervalSeconds).toBeGreaterThanOrEqual(1);
    expect(c.cooldownPeriodSeconds).toBeGreaterThanOrEqual(0);
    expect(c.scaleDownStabilizationSeconds).toBeLessThanOrEqual(3600);
  });

  it("dev gives fast feedback (back to 0 within ~30 s of an empty queue); prod stays conservative", () => {
    const dev = ENVIRONMENTS.dev.consumer.scaling;
    const prod = ENVIRONMENTS.prod.consumer.scaling;
    expect(dev.pollingIntervalSeconds).toBeLessThanOrEqual(5);
    expect(dev.cooldownPeriodSeconds).toBeLessThanOrEqual(30);
    expect(prod.cooldownPeriodSeconds).toBeGreaterThanOrEqual(300);
    expect(prod.scaleDownStabilizationSeconds).toBeGreaterThanOrEqual(300);
    expect(dev.scaleDownStabilizationSeconds).toBeLessThan(prod.scaleDownStabilizationSeconds);
  });

  it("negative control: a window the API server would reject fails the synth", () => {
    const chart = new Chart(Testing.app(), "c");
    const target = { name: "consumer", app: "consumer", deployment: { hasAutoscaler: true } } as any;
    const broker = {
      naming: { streamName: (s: string) => s, durableName: (g: string) => g, account: "$G" },
      monitorHostPort: "nats:8222",
    } as any;
    const props = { target, broker, stream: "events", consumerGroup: "g", maxReplicas: 3, lagThreshold: 10 };
    expect(
      () => new QueueScaler(chart, "ok", { ...props, scaleDownStabilizationSeconds: 3600 }),
    ).not.toThrow();
    expect(() => new QueueScaler(chart, "bad", { ...props, scaleDownStabilizationSeconds: 3601 })).toThrow(
      /scaleDownStabilizationSeconds must be an integer in 0\.\.3600, got 3601/,
    );
    expect(() => new QueueScaler(chart, "poll", { ...props, pollingIntervalSeconds: 0 })).toThrow(
      /pollingIntervalSeconds/,
    );
  });
});
