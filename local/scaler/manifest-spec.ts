/**
 * Reads the consumer's ScaledObject and Deployment from the committed `dist-manifests/<env>/` YAML
 * (what Argo CD syncs) into a `ScalingSpec` and a `PodTemplate`. Nothing is restated: a value the
 * manifest leaves out takes the upstream default from `SCALING_DEFAULTS`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { SCALING_DEFAULTS, type ScalingPolicy, type ScalingRules, type ScalingSpec } from "./scaling-spec.js";

/** What a replica is, from the Deployment's pod template. */
export interface PodTemplate {
  /** `spec.replicas` (1 when omitted): where the Deployment starts before KEDA acts. */
  readonly initialReplicas: number;
  /** `terminationGracePeriodSeconds`: SIGTERM, then SIGKILL this long after. */
  readonly terminationGracePeriodSeconds: number;
  /** The readiness probe's HTTP path and period. */
  readonly readinessPath: string;
  readonly readinessPeriodSeconds: number;
  /** The container's literal `env` values (`valueFrom` entries, e.g. secrets, are left out). */
  readonly env: Readonly<Record<string, string>>;
}

export interface ConsumerManifests {
  /** The files read, for the header. */
  readonly files: readonly string[];
  readonly scaling: ScalingSpec;
  readonly pod: PodTemplate;
}

/** The consumer's names in the synthesized output (cdk8s file naming: `<kind>-<name>.yaml`). */
export const SCALED_OBJECT_FILE = "scaledobject-consumer.yaml";
export const DEPLOYMENT_FILE = "deployment-consumer.yaml";

type Yaml = Record<string, unknown>;
const object = (value: unknown): Yaml => (value !== null && typeof value === "object" ? (value as Yaml) : {});
const at = (value: unknown, ...path: string[]): unknown => path.reduce((v, key) => object(v)[key], value);

function num(value: unknown, fallback: number, what: string): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n))
    throw new Error(`${what}: "${String(value)}" is not a number`);
  return n;
}

function rules(
  raw: unknown,
  defaults: { selectPolicy: ScalingRules["selectPolicy"]; policies: readonly ScalingPolicy[] },
  defaultWindow: number,
  what: string,
): ScalingRules {
  // copyHPAScalingRules (defaults.go): each unset field takes the default, set fields win whole.
  const policies = at(raw, "policies");
  return {
    stabilizationWindowSeconds: num(
      at(raw, "stabilizationWindowSeconds"),
      defaultWindow,
      `${what}.stabilizationWindowSeconds`,
    ),
    selectPolicy:
      (at(raw, "selectPolicy") as ScalingRules["selectPolicy"] | undefined) ?? defaults.selectPolicy,
    policies: Array.isArray(policies)
      ? policies.map((p, i) => ({
          type: at(p, "type") as ScalingPolicy["type"],
          value: num(at(p, "value"), NaN, `${what}.policies[${i}].value`),
          periodSeconds: num(at(p, "periodSeconds"), NaN, `${what}.policies[${i}].periodSeconds`),
        }))
      : defaults.policies,
  };
}

/** The ScaledObject's spec as the local scaler needs it. */
export function scalingSpecOf(scaledObject: unknown): ScalingSpec {
  const spec = at(scaledObject, "spec");
  const keda = SCALING_DEFAULTS.keda;
  const triggers = at(spec, "triggers");
  const trigger = Array.isArray(triggers)
    ? triggers.find((t) => at(t, "type") === "nats-jetstream")
    : undefined;
  if (trigger === undefined) throw new Error("the ScaledObject has no nats-jetstream trigger");
  // The HPA rule modelled is the AverageValue target (KEDA's default metricType for this trigger).
  const metricType = at(trigger, "metricType") ?? "AverageValue";
  if (metricType !== "AverageValue")
    throw new Error(
      `the trigger's metricType is ${String(metricType)}; the local scaler models AverageValue only`,
    );
  const minReplicaCount = num(at(spec, "minReplicaCount"), keda.minReplicaCount, "minReplicaCount");
  const maxReplicaCount = num(at(spec, "maxReplicaCount"), keda.maxReplicaCount, "maxReplicaCount");
  const fallback = at(spec, "fallback");
  const behavior = at(spec, "advanced", "horizontalPodAutoscalerConfig", "behavior");
  const hpa = SCALING_DEFAULTS.hpa;
  // KEDA's HPA: minReplicas = max(minReplicaCount, 1), maxReplicas = max(maxReplicaCount, min)
  // (kedacore/keda@v2.16.0:controllers/keda/hpa.go getHPAMinReplicas / newHPAForScaledObject).
  const hpaMin = Math.max(minReplicaCount, 1);
  return {
    pollingIntervalSeconds: num(at(spec, "pollingInterval"), keda.pollingIntervalSeconds, "pollingInterval"),
    cooldownPeriodSeconds: num(at(spec, "cooldownPeriod"), keda.cooldownPeriodSeconds, "cooldownPeriod"),
    minReplicaCount,
    maxReplicaCount,
    fallback:
      fallback === undefined
        ? undefined
        : {
            failureThreshold: num(at(fallback, "failureThreshold"), NaN, "fallback.failureThreshold"),
            replicas: num(at(fallback, "replicas"), NaN, "fallback.replicas"),
          },
    lagThreshold: num(at(trigger, "metadata", "lagThreshold"), keda.lagThreshold, "lagThreshold"),
    activationLagThreshold: num(
      at(trigger, "metadata", "activationLagThreshold"),
      keda.activationLagThreshold,
      "activationLagThreshold",
    ),
    hpa: {
      syncPeriodSeconds: hpa.syncPeriodSeconds,
      tolerance: hpa.tolerance,
      minReplicas: hpaMin,
      maxReplicas: Math.max(maxReplicaCount, hpaMin),
      scaleUp: rules(at(behavior, "scaleUp"), hpa.scaleUp, hpa.scaleUp.stabilizationWindowSeconds, "scaleUp"),
      scaleDown: rules(
        at(behavior, "scaleDown"),
        hpa.scaleDown,
        hpa.downscaleStabilizationSeconds,
        "scaleDown",
      ),
    },
  };
}

/** The Deployment's pod template as the local scaler needs it. */
export function podTemplateOf(deployment: unknown): PodTemplate {
  const podSpec = at(deployment, "spec", "template", "spec");
  const containers = at(podSpec, "containers");
  const container = Array.isArray(containers) ? containers[0] : undefined;
  const env: Record<string, string> = {};
  const entries = at(container, "env");
  for (const entry of Array.isArray(entries) ? entries : []) {
    const value = at(entry, "value");
    if (typeof value === "string") env[String(at(entry, "name"))] = value;
  }
  return {
    initialReplicas: num(at(deployment, "spec", "replicas"), SCALING_DEFAULTS.pod.replicas, "replicas"),
    terminationGracePeriodSeconds: num(
      at(podSpec, "terminationGracePeriodSeconds"),
      SCALING_DEFAULTS.pod.terminationGracePeriodSeconds,
      "terminationGracePeriodSeconds",
    ),
    readinessPath: String(at(container, "readinessProbe", "httpGet", "path") ?? "/readyz"),
    readinessPeriodSeconds: num(
      at(container, "readinessProbe", "periodSeconds"),
      SCALING_DEFAULTS.pod.readinessPeriodSeconds,
      "readinessProbe.periodSeconds",
    ),
    env,
  };
}

/** Read both files of `env` from `dist-manifests/`. */
export function readConsumerManifests(
  env: string,
  root: string = join(REPO_ROOT, "dist-manifests"),
): ConsumerManifests {
  const dir = join(root, env);
  const load = (file: string) => {
    const path = join(dir, file);
    try {
      return parse(readFileSync(path, "utf8")) as unknown;
    } catch (error) {
      throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
  };
  return {
    files: [join(dir, SCALED_OBJECT_FILE), join(dir, DEPLOYMENT_FILE)],
    scaling: scalingSpecOf(load(SCALED_OBJECT_FILE)),
    pod: podTemplateOf(load(DEPLOYMENT_FILE)),
  };
}
