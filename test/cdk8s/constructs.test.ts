/** Exact objects for the small constructs, an all-props consumer, and the invariants' errors. */
import { Testing } from "cdk8s";
import * as kplus from "cdk8s-plus-29";
import { describe, expect, it } from "vitest";
import { PipelineChart } from "../../cdk8s/charts/pipeline-chart.js";
import { ENVIRONMENTS } from "../../cdk8s/config.js";
import type { PipelineConnection } from "../../cdk8s/lib/app-environment.js";
import { BROKER_ROLES, sharedIdentities } from "../../cdk8s/lib/app-environment.js";
import { natsClientSecret } from "../../cdk8s/secrets/catalog.js";
import { readSealedFile } from "../../cdk8s/secrets/sealed-file.js";
import { AppWorkload } from "../../cdk8s/lib/app-workload.js";
import {
  BrokerCredentials,
  PLACEHOLDER_CIPHERTEXT,
  readSealedCredentials,
} from "../../cdk8s/secrets/broker-credentials.js";
import { brokerEndpoints } from "../../cdk8s/lib/broker-endpoints.js";
import { BrokerExporterMonitor } from "../../cdk8s/lib/broker-exporter-monitor.js";
import type { ConsumerProps } from "../../cdk8s/lib/consumer.js";
import { Consumer } from "../../cdk8s/lib/consumer.js";
import { DEFAULT_MESSAGING, resolveMessaging } from "../../cdk8s/lib/messaging.js";
import { PodDisruptionBudget } from "../../cdk8s/lib/pod-disruption-budget.js";
import { formatRate, Producer, type ProducerProps } from "../../cdk8s/lib/producer.js";
import { resolveAppSettings } from "../../cdk8s/lib/app-settings.js";
import { PRODUCER_SETTINGS } from "../../src/apps/producer/contract.js";
import { queueDepthQuery } from "../../cdk8s/lib/queue-scaler.js";
import { durableName, stationStreamName } from "../../src/broker/memphis/names.js";
import { parseFiles } from "./support/manifests.js";
import { validateDocument } from "../support/schemas.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
const resources = {
  cpuRequestMillis: 10,
  cpuLimitMillis: 100,
  memoryRequestMebibytes: 32,
  memoryLimitMebibytes: 64,
};

function connection(
  chart: kplus.k8s.KubeNamespace["chart"],
  kind: "nats" | "memphis" = "memphis",
): PipelineConnection {
  return {
    broker: brokerEndpoints(kind),
    messaging: DEFAULT_MESSAGING,
    identities: sharedIdentities(kplus.Secret.fromSecretName(chart, "creds", "broker-credentials")),
    logLevel: "info",
  };
}

function byKind(manifests: any[], kind: string): any[] {
  return manifests.filter((m) => m.kind === kind);
}

describe("small constructs (exact objects)", () => {
  it("PodDisruptionBudget selects the workload's pods and never blocks a drain", () => {
    const chart = Testing.chart();
    const workload = new AppWorkload(chart, "w", { app: "producer", image: "img:1", env: {}, resources });
    new PodDisruptionBudget(chart, "pdb", { workload });
    expect(byKind(Testing.synth(chart), "PodDisruptionBudget")).toEqual([
      {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: {
          name: "producer",
          labels: { "app.kubernetes.io/name": "producer", "app.kubernetes.io/part-of": "event-pipeline" },
          annotations: { "argocd.argoproj.io/sync-wave": "2" },
        },
        spec: {
          maxUnavailable: 1,
          unhealthyPodEvictionPolicy: "AlwaysAllow",
          selector: {
            matchLabels: {
              "app.kubernetes.io/name": "producer",
              "app.kubernetes.io/part-of": "event-pipeline",
            },
          },
        },
      },
    ]);
  });

  it("BrokerExporterMonitor scrapes the Memphis exporter in its namespace", () => {
    const chart = Testing.chart();
    new BrokerExporterMonitor(chart, "m", { broker: brokerEndpoints("memphis") });
    expect(Testing.synth(chart)).toEqual([
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: {
          name: "memphis-exporter",
          labels: { "app.kubernetes.io/part-of": "event-pipeline" },
          annotations: { "argocd.argoproj.io/sync-wave": "2" },
        },
        spec: {
          namespaceSelector: { matchNames: ["memphis"] },
          selector: { matchLabels: { "app.kubernetes.io/name": "memphis" } },
          podMetricsEndpoints: [{ port: "metrics", path: "/metrics", interval: "15s" }],
        },
      },
    ]);
  });

  it("BrokerCredentials is a strict-scope SealedSecret with pinned name and namespace", () => {
    const chart = Testing.chart();
    const creds = new BrokerCredentials(chart, "c", {
      namespace: "ns",
      encryptedData: { BROKER_USERNAME: "dXNlcg==", BROKER_PASSWORD: "cGFzcw==" },
    });
    expect(creds.secret.name).toBe("broker-credentials");
    expect(Testing.synth(chart)).toEqual([
      {
        apiVersion: "bitnami.com/v1alpha1",
        kind: "SealedSecret",
        metadata: {
          name: "broker-credentials",
          namespace: "ns",
          labels: { "app.kubernetes.io/part-of": "event-pipeline" },
          annotations: { "argocd.argoproj.io/sync-wave": "0" },
        },
        spec: {
          encryptedData: { BROKER_USERNAME: "dXNlcg==", BROKER_PASSWORD: "cGFzcw==" },
          template: {
            metadata: {
              name: "broker-credentials",
              namespace: "ns",
              labels: { "app.kubernetes.io/part-of": "event-pipeline" },
            },
            type: "Opaque",
          },
        },
      },
    ]);
  });

  it("BrokerCredentials refuses ciphertexts sealed for another name, namespace or scope", () => {
    const encryptedData = { BROKER_USERNAME: "dQ==", BROKER_PASSWORD: "cA==" };
    const sealedFor = { scope: "namespace-wide", namespace: "ns", name: "broker-credentials" };
    expect(
      () => new BrokerCredentials(Testing.chart(), "c", { namespace: "ns", encryptedData, sealedFor }),
    ).toThrow(/sealed for namespace-wide ns\/broker-credentials, expected strict ns\/broker-credentials/);
    const other = { scope: "strict", namespace: "other", name: "broker-credentials" };
    expect(
      () => new BrokerCredentials(Testing.chart(), "c", { namespace: "ns", encryptedData, sealedFor: other }),
    ).toThrow(/expected strict ns/);
  });

  it("the committed sealed files parse (placeholders until npm run seal)", () => {
    for (const env of ["dev", "prod"] as const) {
      const file = readSealedCredentials(env);
      expect(Object.keys(file.encryptedData).sort()).toEqual(["BROKER_PASSWORD", "BROKER_USERNAME"]);
      for (const value of Object.values(file.encryptedData)) expect(value.length).toBeGreaterThan(0);
    }
    expect(Buffer.from(PLACEHOLDER_CIPHERTEXT, "base64").toString()).toBe("REPLACE-ME-run-npm-run-seal");
  });
});

describe("Consumer", () => {
  it("takes every prop (Required<ConsumerProps>) into the manifests", () => {
    const chart = Testing.chart();
    const props: Required<ConsumerProps> = {
      connection: connection(chart),
      image: "registry/consumer:9",
      resources,
      scaling: {
        maxReplicas: 7,
        lagThreshold: 33,
        activationLagThreshold: 2,
        fallbackReplicas: 3,
        fallbackFailureThreshold: 4,
        pollingIntervalSeconds: 5,
        cooldownPeriodSeconds: 60,
        scaleDownStabilizationSeconds: 90,
        metricSource: { type: "prometheus", serverAddress: "http://prom:9090" },
      } satisfies Required<ConsumerProps["scaling"]>,
      settings: {
        CONCURRENCY: 6,
        BATCH_SIZE: 20,
        WORK_TIME_MS: 15,
        DRAIN_TIMEOUT_MS: 45_000,
        RETRY_DELAY_MS: 250,
        SINK_DIR: "/tmp/effects",
      },
      terminationGracePeriodSeconds: 50,
    };
    new Consumer(chart, "consumer", props);
    const manifests = Testing.synth(chart);
    const deployment = byKind(manifests, "Deployment")[0];
    expect(deployment.spec).not.toHaveProperty("replicas");
    const pod = deployment.spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(50);
    const container = pod.containers[0];
    expect(container.image).toBe("registry/consumer:9");
    const env = Object.fromEntries(
      container.env.filter((e: any) => "value" in e).map((e: any) => [e.name, e.value]),
    );
    expect(env).toMatchObject({
      CONCURRENCY: "6",
      BATCH_SIZE: "20",
      WORK_TIME_MS: "15",
      DRAIN_TIMEOUT_MS: "45000",
      RETRY_DELAY_MS: "250",
      SINK_DIR: "/tmp/effects",
      BROKER: "memphis",
      BROKER_ACCOUNT_ID: "1",
    });
    expect(container.resources).toEqual({
      limits: { cpu: "100m", memory: "64Mi" },
      requests: { cpu: "10m", memory: "32Mi" },
    });
    const scaled = byKind(manifests, "ScaledObject")[0];
    expect(scaled.spec).toMatchObject({
      minReplicaCount: 0,
      maxReplicaCount: 7,
      pollingInterval: 5,
      cooldownPeriod: 60,
      fallback: { failureThreshold: 4, replicas: 3 },
      advanced: {
        horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 90 } } },
      },
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "consumer" },
    });
    expect(scaled.spec.triggers).toEqual([
      {
        type: "prometheus",
        metricType: "AverageValue",
        metadata: {
          serverAddress: "http://prom:9090",
          query:
            'sum(memphis_consumer_num_pending{stream_name="events$1",consumer_name="event-consumers"}) + ' +
            'sum(memphis_consumer_num_ack_pending{stream_name="events$1",consumer_name="event-consumers"})',
          threshold: "33",
          activationThreshold: "2",
          ignoreNullValues: "false",
        },
      },
    ]);
    expect(queueDepthQuery("events$1", "event-consumers")).toBe(scaled.spec.triggers[0].metadata.query);
  });

  /** A Consumer in a fresh chart with the given props over a minimal valid set. */
  function consumerWith(props: Partial<ConsumerProps>): () => Consumer {
    const chart = Testing.chart();
    return () =>
      new Consumer(chart, "c", {
        connection: connection(chart),
        image: "i",
        resources,
        scaling: { maxReplicas: 2, lagThreshold: 10 },
        ...props,
      });
  }

  it("rejects a grace period that does not exceed the drain timeout", () => {
    expect(
      consumerWith({ settings: { DRAIN_TIMEOUT_MS: 30_000 }, terminationGracePeriodSeconds: 30 }),
    ).toThrow(/terminationGracePeriodSeconds \(30\) must exceed DRAIN_TIMEOUT_MS \(30000 ms\)/);
  });

  it("rejects bad scaling bounds naming the option", () => {
    expect(consumerWith({ scaling: { maxReplicas: 0, lagThreshold: 10 } })).toThrow(
      /maxReplicas must be a positive integer, got 0/,
    );
  });
});

describe("invariants", () => {
  it("replicas and autoscaling are mutually exclusive", () => {
    expect(
      () =>
        new AppWorkload(Testing.chart(), "w", {
          app: "consumer",
          image: "i",
          env: {},
          resources,
          replicas: 2,
          autoscaled: true,
        }),
    ).toThrow(/replicas \(2\) and autoscaled: true are mutually exclusive/);
  });

  it("the apps' contract checks the manifests' environment, with the app's own messages", () => {
    const build = (
      messaging: Partial<typeof DEFAULT_MESSAGING>,
      workTimeMs = 0,
      kind: "nats" | "memphis" = "memphis",
    ) => {
      const chart = Testing.chart();
      return () =>
        new Consumer(chart, "c", {
          connection: { ...connection(chart, kind), messaging: resolveMessaging(messaging) },
          image: "i",
          resources,
          settings: { WORK_TIME_MS: workTimeMs },
          scaling: { maxReplicas: 2, lagThreshold: 10 },
        });
    };
    expect(build({ maxDeliveries: 11 })).toThrow(
      /Consumer: .*MAX_DELIVERIES: "11" must be an integer from 1 to 10/s,
    );
    expect(build({ stream: "a b" })).toThrow(/STREAM: "a b" must be non-empty, without spaces/);
    expect(build({ stream: "a.b" }, 0, "nats")).toThrow(
      /STREAM: "a.b" must match \[A-Za-z0-9_-\]\+ for BROKER=nats/,
    );
    expect(build({ retentionSeconds: 60, dedupWindowMs: 60_001 }, 0, "nats")).toThrow(
      /DEDUP_WINDOW_MS: \(60001\) must not exceed RETENTION_SECONDS \(60\)/,
    );
    expect(build({})).not.toThrow();
    expect(build({ stream: "a.b" })).not.toThrow();
    expect(resolveMessaging()).toEqual(DEFAULT_MESSAGING);
  });

  it("KEDA watches the stream and durable the apps create, named by the broker's own function", () => {
    const chart = Testing.chart();
    new Consumer(chart, "c", {
      connection: {
        ...connection(chart, "memphis"),
        messaging: resolveMessaging({ stream: "Events.In", consumerGroup: "Workers" }),
      },
      image: "i",
      resources,
      scaling: { maxReplicas: 2, lagThreshold: 10 },
    });
    const trigger = byKind(Testing.synth(chart), "ScaledObject")[0].spec.triggers[0];
    // The Memphis adapter's names (src/broker/memphis/names.ts), which the apps read queue depth with.
    expect(trigger.metadata).toMatchObject({
      account: "$memphis",
      stream: stationStreamName("Events.In"),
      consumer: durableName("Workers"),
    });
    expect(trigger.metadata).toMatchObject({ stream: "events#in$1", consumer: "workers" });
  });

  it("app settings by variable name: the stated ones at the contract's default, overrides added in the contract's order", () => {
    const own = new Set(["LOAD_PROFILE", "MAX_IN_FLIGHT", "PAYLOAD_BYTES", "MESSAGE_LIMIT"]);
    const env = (settings: ProducerProps["settings"]): string[] => {
      const chart = Testing.chart();
      new Producer(chart, "p", {
        connection: connection(chart),
        image: "i",
        ratePerSecond: 1,
        resources,
        settings,
      });
      const container = byKind(Testing.synth(chart), "Deployment")[0].spec.template.spec.containers[0];
      return container.env.filter((e: any) => own.has(e.name)).map((e: any) => `${e.name}=${e.value}`);
    };
    expect(env({})).toEqual([
      `MAX_IN_FLIGHT=${PRODUCER_SETTINGS.MAX_IN_FLIGHT.default}`,
      `PAYLOAD_BYTES=${PRODUCER_SETTINGS.PAYLOAD_BYTES.default}`,
    ]);
    expect(env({ MESSAGE_LIMIT: 100, MAX_IN_FLIGHT: 8 })).toEqual([
      "MAX_IN_FLIGHT=8",
      "PAYLOAD_BYTES=64",
      "MESSAGE_LIMIT=100",
    ]);
    // A stated variable without a default would have no value to state.
    expect(() => resolveAppSettings("Producer", PRODUCER_SETTINGS, ["RATE_PER_SECOND"], {})).toThrow(
      /Producer: RATE_PER_SECOND has no default in the contract; every environment must set it/,
    );
  });

  it("rates render as plain decimals; negative rates are refused", () => {
    expect(formatRate(0.0083)).toBe("0.0083");
    expect(formatRate(0)).toBe("0");
    expect(formatRate(50)).toBe("50");
    expect(() => formatRate(-1)).toThrow(/ratePerSecond must be a finite number >= 0, got -1/);
  });

  it("a rate change changes the ConfigMap value and the producer's checksum annotation", () => {
    const render = (rate: number): { value: string; checksum: string } => {
      const chart = Testing.chart();
      new Producer(chart, "p", { connection: connection(chart), image: "i", ratePerSecond: rate, resources });
      const manifests = Testing.synth(chart);
      return {
        value: byKind(manifests, "ConfigMap")[0].data.RATE_PER_SECOND,
        checksum: byKind(manifests, "Deployment")[0].spec.template.metadata.annotations["checksum/config"],
      };
    };
    const a = render(5);
    const b = render(20);
    expect([a.value, b.value]).toEqual(["5", "20"]);
    expect(a.checksum).not.toBe(b.checksum);
    expect(render(5)).toEqual(a);
  });
});

describe("NATS environments", () => {
  it("synthesize a valid pipeline reading $G/events on the NATS headless Service (KEDA finds the leader by pod name)", () => {
    const app = Testing.app();
    const chart = new PipelineChart(app, "nats", {
      settings: ENVIRONMENTS.dev,
      broker: "nats",
      ratePerSecond: 1,
      images: { producer: "p:1", consumer: "c:1" },
      natsClients: Object.fromEntries(
        BROKER_ROLES.map((role) => {
          const spec = natsClientSecret("dev", role);
          return [role, { spec, file: readSealedFile("dev", spec) }];
        }),
      ) as any,
    });
    const docs = chart.toJson() as any[];
    // Each role logs in as its own user with its own sealed password; only the Job provisions.
    const envOf = (containers: any[]): Record<string, any> =>
      Object.fromEntries(containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom?.secretKeyRef]));
    const identities = Object.fromEntries(
      [...byKind(docs, "Deployment"), ...byKind(docs, "Job")].map((d) => {
        const e = envOf(d.spec.template.spec.containers);
        return [d.metadata.name, [e.BROKER_USERNAME, e.BROKER_PASSWORD, e.PROVISION]];
      }),
    );
    expect(identities).toEqual({
      producer: ["producer", { name: "nats-producer", key: "PRODUCER_PASSWORD" }, "never"],
      consumer: ["consumer", { name: "nats-consumer", key: "CONSUMER_PASSWORD" }, "never"],
      "provision-broker": [
        "provisioner",
        { name: "nats-provisioner", key: "PROVISIONER_PASSWORD" },
        "on-start",
      ],
    });
    expect(
      byKind(docs, "SealedSecret")
        .map((s) => s.metadata.name)
        .sort(),
    ).toEqual(["nats-consumer", "nats-producer", "nats-provisioner"]);
    for (const doc of docs) expect(validateDocument(doc), `${doc.kind}/${doc.metadata.name}`).toEqual([]);
    const trigger = byKind(docs, "ScaledObject")[0].spec.triggers[0];
    expect(trigger).toMatchObject({
      type: "nats-jetstream",
      metadata: {
        account: "$G",
        stream: "events",
        consumer: "event-consumers",
        natsServerMonitoringEndpoint: "nats-headless.nats.svc.cluster.local:8222",
      },
    });
    const env = byKind(docs, "Deployment")[0].spec.template.spec.containers[0].env;
    expect(env.find((e: any) => e.name === "BROKER_URL").value).toBe(
      "nats://nats.nats.svc.cluster.local:4222",
    );
    expect(env.find((e: any) => e.name === "BROKER_MONITOR_URL").value).toBe(
      "http://nats-headless.nats.svc.cluster.local:8222",
    );
    expect(env.find((e: any) => e.name === "BROKER_ACCOUNT_ID")).toBeUndefined();
    const egress = byKind(docs, "NetworkPolicy").find((p) => p.metadata.name === "allow-broker-egress");
    expect(egress.spec.egress[0].ports.map((p: any) => p.port)).toEqual([4222, 8222]);
    expect(parseFiles([]).length).toBe(0);
  });
});
