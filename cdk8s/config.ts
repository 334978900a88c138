/**
 * The one place for environments, the producer rate and image tags: data, read by the cdk8s app
 * (manifests in `dist-manifests/<env>/`) and the local run (`npm run local` uses the `dev` rate),
 * changed only by pull request. The values commands edit are JSON files beside this one, so the
 * commands edit data, never TypeScript:
 *
 *  - cdk8s/data/producer-rates.json  `npm run set-rate` (the set-rate workflow)
 *  - cdk8s/data/images.json          `npm run bump-images` (the images workflow) and Renovate
 *  - cdk8s/data/peak-rss.json        `npm run bench -- --record`: the peaks the memory limits derive from
 */
import type { CONSUMER_SETTINGS } from "../src/apps/consumer/contract.js";
import type { PRODUCER_SETTINGS } from "../src/apps/producer/contract.js";
import type { BrokerKind } from "../src/broker/port.js";
import images from "./data/images.json" with { type: "json" };
import producerRates from "./data/producer-rates.json" with { type: "json" };
import type { AppSettings } from "./lib/app-settings.js";
import { consumerMemoryLimitMebibytes, memoryLimitMebibytes } from "./lib/memory-limits.js";

export type EnvironmentName = "dev" | "prod";
export const ENVIRONMENT_NAMES: readonly EnvironmentName[] = ["dev", "prod"];

/**
 * Producer rate in messages per second, per environment (cdk8s/data/producer-rates.json): a
 * positive number (may be below 1, e.g. 0.0083 is one message every two minutes), 0 pauses the
 * producer. Change it by pull request (`npm run set-rate -- --env dev --rate 20`).
 */
export const PRODUCER_RATE_PER_SECOND: Readonly<Record<EnvironmentName, number>> = producerRates;

/** A container image without the broker suffix of its tag. */
export interface ImagePin {
  readonly repository: string;
  readonly tag: string;
}

/**
 * Container images: repository and tag (cdk8s/data/images.json), bumped by the image workflow
 * through a pull request (`npm run bump-images`).
 */
export const IMAGES: Readonly<Record<"producer" | "consumer", ImagePin>> = images;

/**
 * The image an environment runs: the build for its broker (Dockerfile `BROKER` argument; a NATS
 * build carries no Memphis SDK), which the image workflow tags `<tag>-<broker>`.
 */
export function imageReference(app: keyof typeof IMAGES, broker: BrokerKind): string {
  return `${IMAGES[app].repository}:${IMAGES[app].tag}-${broker}`;
}

/**
 * Broker per environment. Prod runs the clustered NATS JetStream (3 nodes): Memphis is unmaintained
 * upstream (last release 1.4.4, May 2024, Business Source License) and its cluster mode cannot be
 * tested here (docs/cluster.md). Dev keeps Memphis, as the original system; either environment
 * switches by changing its line here.
 */
export const BROKER_BY_ENVIRONMENT: Record<EnvironmentName, BrokerKind> = {
  dev: "memphis",
  prod: "nats",
};

/** This repository as Argo CD pulls it: the one place for its URL and the revision every Application tracks. */
export const GITOPS_REPOSITORY = {
  url: "https://github.com/example-org/keda-event-pipeline.git",
  targetRevision: "main",
} as const;

/** Requests and limits of one container (small: a scaled consumer must not reserve a whole core). */
export interface ContainerResources {
  readonly cpuRequestMillis: number;
  readonly cpuLimitMillis: number;
  readonly memoryRequestMebibytes: number;
  /** From the benchmark's recorded peak RSS plus headroom (`memoryLimitMebibytes`), never a guess. */
  readonly memoryLimitMebibytes: number;
}

/** What differs between environments besides the rate, the images and the broker. */
export interface EnvironmentSettings {
  /** Kubernetes namespace of the pipeline (one cluster per environment). */
  readonly namespace: string;
  readonly logLevel: "debug" | "info" | "warn" | "error";
  /** Replicas of the stream, dead-letter stream and consumer group (STREAM_REPLICAS); at most `broker.nodes`. */
  readonly streamReplicas: number;
  /** The broker the environment's Argo CD installs (its Helm chart's cluster and storage values). */
  readonly broker: {
    /** Broker nodes; above 1 the chart runs a cluster (NATS: a 3-node StatefulSet with routes). */
    readonly nodes: number;
    /** JetStream file store per node, in GiB (the NATS chart's PVC size). */
    readonly storageGibibytes: number;
  };
  readonly producer: {
    /** Producer replicas; each one publishes at `RATE_PER_SECOND`. */
    readonly replicas: number;
    readonly resources: ContainerResources;
    /** The producer's own variables by name (the rate is PRODUCER_RATE_PER_SECOND); the rest take the contract's defaults. */
    readonly settings: AppSettings<typeof PRODUCER_SETTINGS, "RATE_PER_SECOND">;
  };
  readonly consumer: {
    /** How KEDA scales the consumer on queue depth (the lower bound is always 0). */
    readonly scaling: {
      /** Upper bound of the KEDA ScaledObject. */
      readonly maxReplicas: number;
      /** Queue depth (pending + ack pending) per replica that KEDA aims for. */
      readonly lagThreshold: number;
      /** Queue depth above which KEDA wakes the consumer from zero. */
      readonly activationLagThreshold: number;
      /** Replicas KEDA keeps while the queue-depth metric cannot be read. */
      readonly fallbackReplicas: number;
      /**
       * KEDA `pollingInterval`: seconds between reads of the queue depth, which is also how long an
       * idle consumer waits to be woken (the CRD's minimum is 1; KEDA's default 30).
       */
      readonly pollingIntervalSeconds: number;
      /**
       * KEDA `cooldownPeriod`: seconds after the last non-zero queue depth before KEDA scales the
       * consumer to 0 (the CRD's minimum is 0; KEDA's default 300).
       */
      readonly cooldownPeriodSeconds: number;
      /**
       * HPA scale-down stabilization window: seconds of lower recommendations before replicas are
       * removed (0–3600, autoscaling/v2 HPAScalingRules; the HPA's default 300).
       */
      readonly scaleDownStabilizationSeconds: number;
    };
    /**
     * The consumer's own variables by name (CONCURRENCY, WORK_TIME_MS, …; `set-rate` predicts
     * replicas from them); the rest take the contract's defaults.
     */
    readonly settings: AppSettings<typeof CONSUMER_SETTINGS>;
    readonly resources: ContainerResources;
  };
}

/** The consumer's own variables per environment (named first: its memory limit derives from them). */
const DEV_CONSUMER_SETTINGS: AppSettings<typeof CONSUMER_SETTINGS> = { CONCURRENCY: 4, WORK_TIME_MS: 200 };
const PROD_CONSUMER_SETTINGS: AppSettings<typeof CONSUMER_SETTINGS> = { CONCURRENCY: 8, WORK_TIME_MS: 100 };

export const ENVIRONMENTS: Record<EnvironmentName, EnvironmentSettings> = {
  dev: {
    namespace: "event-pipeline",
    logLevel: "debug",
    streamReplicas: 1,
    broker: { nodes: 1, storageGibibytes: 5 },
    producer: {
      replicas: 1,
      settings: {},
      resources: {
        cpuRequestMillis: 25,
        cpuLimitMillis: 250,
        memoryRequestMebibytes: 64,
        memoryLimitMebibytes: memoryLimitMebibytes(BROKER_BY_ENVIRONMENT.dev, "producer"),
      },
    },
    consumer: {
      scaling: {
        maxReplicas: 3,
        lagThreshold: 50,
        activationLagThreshold: 0,
        fallbackReplicas: 1,
        // Fast feedback, as the original system's test environment: a rate change shows within
        // seconds and an idle consumer is gone ~30 s after the queue empties. The scale-down
        // window stays at 60 s: at 30 s a steady 50 msg/s flaps 3 -> 1 often enough that the
        // replicas set-rate predicts hold less than 90 % of the time (docs/manifests.md).
        pollingIntervalSeconds: 5,
        cooldownPeriodSeconds: 30,
        scaleDownStabilizationSeconds: 60,
      },
      settings: DEV_CONSUMER_SETTINGS,
      resources: {
        cpuRequestMillis: 25,
        cpuLimitMillis: 250,
        memoryRequestMebibytes: 64,
        memoryLimitMebibytes: consumerMemoryLimitMebibytes(BROKER_BY_ENVIRONMENT.dev, DEV_CONSUMER_SETTINGS),
      },
    },
  },
  prod: {
    namespace: "event-pipeline",
    logLevel: "info",
    streamReplicas: 3,
    broker: { nodes: 3, storageGibibytes: 30 },
    producer: {
      replicas: 1,
      settings: {},
      resources: {
        cpuRequestMillis: 100,
        cpuLimitMillis: 500,
        memoryRequestMebibytes: 96,
        memoryLimitMebibytes: memoryLimitMebibytes(BROKER_BY_ENVIRONMENT.prod, "producer"),
      },
    },
    consumer: {
      scaling: {
        maxReplicas: 20,
        lagThreshold: 100,
        activationLagThreshold: 0,
        fallbackReplicas: 2,
        // Conservative: fewer reads of the broker, and no scale-in on a lull of a few seconds.
        pollingIntervalSeconds: 15,
        cooldownPeriodSeconds: 300,
        scaleDownStabilizationSeconds: 300,
      },
      settings: PROD_CONSUMER_SETTINGS,
      resources: {
        cpuRequestMillis: 100,
        cpuLimitMillis: 500,
        memoryRequestMebibytes: 96,
        memoryLimitMebibytes: consumerMemoryLimitMebibytes(
          BROKER_BY_ENVIRONMENT.prod,
          PROD_CONSUMER_SETTINGS,
        ),
      },
    },
  },
};

/** A Helm chart Argo CD installs: repository, chart name and a pinned version. */
export interface HelmChartSource {
  readonly repoURL: string;
  readonly chart: string;
  readonly version: string;
}

/**
 * Infrastructure charts, versions pinned (bump by pull request, together with the chart's facts and
 * CRDs in schemas/charts/<chart>@<version>: the checks read them by this version).
 */
export const HELM_CHARTS = {
  keda: { repoURL: "https://kedacore.github.io/charts", chart: "keda", version: "2.20.2" },
  sealedSecrets: {
    repoURL: "https://bitnami-labs.github.io/sealed-secrets",
    chart: "sealed-secrets",
    version: "2.18.5",
  },
  memphis: { repoURL: "https://k8s.memphis.dev/charts/", chart: "memphis", version: "1.4.3" },
  nats: { repoURL: "https://nats-io.github.io/k8s/helm/charts/", chart: "nats", version: "2.14.2" },
  kubePrometheusStack: {
    repoURL: "https://prometheus-community.github.io/helm-charts",
    chart: "kube-prometheus-stack",
    version: "67.8.0",
  },
  loki: { repoURL: "https://grafana.github.io/helm-charts", chart: "loki", version: "6.24.0" },
  alloy: { repoURL: "https://grafana.github.io/helm-charts", chart: "alloy", version: "1.11.1" },
} as const satisfies Record<string, HelmChartSource>;
