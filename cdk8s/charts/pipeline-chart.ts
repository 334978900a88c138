/**
 * Everything of the event pipeline in one environment's namespace: namespace, credentials,
 * producer (+ ConfigMap, PDB), consumer (+ KEDA ScaledObject), provisioning Job, monitors and
 * network policies. Synthesized into `dist-manifests/<env>/`, delivered by the Argo CD
 * Application of that environment.
 */
import type { ChartProps } from "cdk8s";
import { Chart } from "cdk8s";
import * as kplus from "cdk8s-plus-29";
import type { Construct } from "constructs";
import type { BrokerKind } from "../../src/broker/port.js";
import type { EnvironmentSettings } from "../config.js";
import type { PipelineConnection } from "../lib/app-environment.js";
import { SYNC_WAVE, syncWave } from "../lib/argo-annotations.js";
import { brokerEndpoints } from "../lib/broker-endpoints.js";
import { BrokerExporterMonitor } from "../lib/broker-exporter-monitor.js";
import { Consumer } from "../lib/consumer.js";
import { AlertRules, DashboardsConfigMap } from "../observability/index.js";
import { PART_OF } from "../lib/labels.js";
import type { MessagingSettings } from "../lib/messaging.js";
import { resolveMessaging } from "../lib/messaging.js";
import { PipelineNetworkPolicies } from "../lib/network-policies.js";
import { Producer } from "../lib/producer.js";
import { ProvisioningJob } from "../lib/provisioning-job.js";
import type { QueueMetricSource } from "../lib/queue-scaler.js";
import { MemphisUserJob } from "../lib/memphis-user-job.js";
import { BrokerCredentials } from "../secrets/broker-credentials.js";
import type { SealedSecretSpec } from "../secrets/catalog.js";
import type { SealedFile } from "../secrets/sealed-file.js";
import { StrictSealedSecret } from "../secrets/strict-sealed-secret.js";

export interface PipelineChartProps extends ChartProps {
  /** Environment settings (namespace, sizing, scaling bounds). */
  readonly settings: EnvironmentSettings;
  readonly broker: BrokerKind;
  /** Producer messages per second (per replica). */
  readonly ratePerSecond: number;
  readonly images: { readonly producer: string; readonly consumer: string };
  /** Sealed values of the credentials Secret (and what they were sealed for, when known). */
  readonly sealedCredentials: SealedFile;
  /**
   * Memphis only: the sealed root password (`memphis-admin`, sealed with the chart's `memphis-creds`)
   * with which the memphis-user Job creates the apps' user. Required when `broker` is "memphis".
   */
  readonly memphisAdmin?: {
    readonly spec: SealedSecretSpec;
    readonly file: SealedFile;
    readonly rootPasswordKey: string;
  };
  /** Overrides of the stream settings. @default DEFAULT_MESSAGING */
  readonly messaging?: Partial<MessagingSettings>;
  /** Where KEDA reads the queue depth. @default { type: "nats-jetstream" } */
  readonly metricSource?: QueueMetricSource;
}

export class PipelineChart extends Chart {
  readonly namespaceName: string;
  readonly producer: Producer;
  readonly consumer: Consumer;
  readonly provisioning: ProvisioningJob;
  readonly credentials: BrokerCredentials;

  constructor(scope: Construct, id: string, props: PipelineChartProps) {
    const namespace = props.settings.namespace;
    super(scope, id, { ...props, namespace, disableResourceNameHashes: true });
    this.namespaceName = namespace;
    const broker = brokerEndpoints(props.broker);

    new kplus.k8s.KubeNamespace(this, "namespace", {
      metadata: {
        name: namespace,
        labels: {
          "app.kubernetes.io/part-of": PART_OF,
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/enforce-version": "v1.29",
        },
        annotations: syncWave(SYNC_WAVE.config - 1),
      },
    });

    this.credentials = new BrokerCredentials(this, "credentials", {
      namespace,
      encryptedData: props.sealedCredentials.encryptedData,
      ...(props.sealedCredentials.sealedFor === undefined
        ? {}
        : { sealedFor: props.sealedCredentials.sealedFor }),
    });
    const connection: PipelineConnection = {
      broker,
      messaging: resolveMessaging({ streamReplicas: props.settings.streamReplicas, ...props.messaging }),
      credentials: this.credentials.secret,
      logLevel: props.settings.logLevel,
    };

    const { producer, consumer } = props.settings;
    this.producer = new Producer(this, "producer", {
      connection,
      image: props.images.producer,
      ratePerSecond: props.ratePerSecond,
      replicas: producer.replicas,
      resources: producer.resources,
      settings: producer.settings,
    });

    this.consumer = new Consumer(this, "consumer", {
      connection,
      image: props.images.consumer,
      resources: consumer.resources,
      settings: consumer.settings,
      scaling: {
        ...consumer.scaling,
        ...(props.metricSource === undefined ? {} : { metricSource: props.metricSource }),
      },
    });

    this.provisioning = new ProvisioningJob(this, "provisioning", { consumer: this.consumer.workload });

    if (broker.kind === "memphis") {
      const admin = props.memphisAdmin;
      if (admin === undefined) throw new Error("PipelineChart: a Memphis environment needs memphisAdmin");
      if (admin.spec.namespace !== namespace)
        throw new Error(
          `PipelineChart: memphisAdmin is sealed for ${admin.spec.namespace}, not ${namespace}`,
        );
      const sealed = new StrictSealedSecret(this, "memphis-admin", {
        spec: admin.spec,
        file: admin.file,
        syncWave: SYNC_WAVE.config,
      });
      new MemphisUserJob(this, "memphis-user", {
        consumer: this.consumer.workload,
        broker,
        adminSecret: sealed.secret,
        rootPasswordKey: admin.rootPasswordKey,
      });
    }

    new BrokerExporterMonitor(this, "broker-exporter", { broker });
    new PipelineNetworkPolicies(this, "network", { broker, scrapedApps: ["producer", "consumer"] });

    // Observability (cdk8s/observability/): alert rules (PrometheusRule) on the names wired here, and
    // the Grafana dashboards ConfigMap (dashboards/*.json, label grafana_dashboard, picked up by the
    // kube-prometheus-stack sidecar).
    new AlertRules(this, "alerts", {
      namespace,
      targets: {
        consumerDeployment: this.consumer.workload.name,
        scaledObject: this.consumer.scaler.scaledObject.name,
        consumerGroup: connection.messaging.consumerGroup,
      },
    });
    new DashboardsConfigMap(this, "dashboards", { namespace });
  }
}
