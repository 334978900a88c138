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
import type { BrokerIdentity, BrokerRole, PipelineConnection } from "../lib/app-environment.js";
import { BROKER_ROLES, sharedIdentities } from "../lib/app-environment.js";
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
import { NATS_PASSWORD_KEYS, NATS_USERNAMES } from "../lib/nats-authorization.js";
import { BrokerCredentials } from "../secrets/broker-credentials.js";
import type { SealedSecretSpec } from "../secrets/catalog.js";
import type { SealedFile } from "../secrets/sealed-file.js";
import { StrictSealedSecret } from "../secrets/strict-sealed-secret.js";

/** A sealed Secret of one role's broker password. */
export interface SealedClientSecret {
  readonly spec: SealedSecretSpec;
  readonly file: SealedFile;
}

export interface PipelineChartProps extends ChartProps {
  /** Environment settings (namespace, sizing, scaling bounds). */
  readonly settings: EnvironmentSettings;
  readonly broker: BrokerKind;
  /** Producer messages per second (per replica). */
  readonly ratePerSecond: number;
  readonly images: { readonly producer: string; readonly consumer: string };
  /**
   * Memphis only: sealed values of the apps' shared credentials Secret (and what they were sealed
   * for, when known). Required when `broker` is "memphis".
   */
  readonly sealedCredentials?: SealedFile;
  /**
   * NATS only: each role's sealed password (`natsClientSecret`); the user names are
   * `NATS_USERNAMES`. Required when `broker` is "nats".
   */
  readonly natsClients?: Readonly<Record<BrokerRole, SealedClientSecret>>;
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
  /** The shared credentials (Memphis only). */
  readonly credentials: BrokerCredentials | undefined;

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

    let identities: Readonly<Record<BrokerRole, BrokerIdentity>>;
    if (broker.kind === "memphis") {
      const sealed = props.sealedCredentials;
      if (sealed === undefined)
        throw new Error("PipelineChart: a Memphis environment needs sealedCredentials");
      this.credentials = new BrokerCredentials(this, "credentials", {
        namespace,
        encryptedData: sealed.encryptedData,
        ...(sealed.sealedFor === undefined ? {} : { sealedFor: sealed.sealedFor }),
      });
      identities = sharedIdentities(this.credentials.secret);
    } else {
      const clients = props.natsClients;
      if (clients === undefined) throw new Error("PipelineChart: a NATS environment needs natsClients");
      this.credentials = undefined;
      identities = natsIdentities(this, namespace, clients);
    }
    const connection: PipelineConnection = {
      broker,
      messaging: resolveMessaging({ streamReplicas: props.settings.streamReplicas, ...props.messaging }),
      identities,
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

    this.provisioning = new ProvisioningJob(this, "provisioning", {
      consumer: this.consumer.workload,
      identity: identities.provisioner,
    });

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

/**
 * Each role's NATS identity: its user name, and its password from its own sealed Secret, which only
 * that role's pods reference.
 */
function natsIdentities(
  chart: Chart,
  namespace: string,
  clients: Readonly<Record<BrokerRole, SealedClientSecret>>,
): Readonly<Record<BrokerRole, BrokerIdentity>> {
  const entries = BROKER_ROLES.map((role): [BrokerRole, BrokerIdentity] => {
    const { spec, file } = clients[role];
    if (spec.namespace !== namespace)
      throw new Error(
        `PipelineChart: the ${role}'s password is sealed for ${spec.namespace}, not ${namespace}`,
      );
    const key = NATS_PASSWORD_KEYS[role];
    if (!spec.keys.includes(key))
      throw new Error(`PipelineChart: the ${role}'s sealed Secret ${spec.name} has no key ${key}`);
    const { secret } = new StrictSealedSecret(chart, `${role}-password`, {
      spec,
      file,
      syncWave: SYNC_WAVE.config,
    });
    return [
      role,
      {
        username: kplus.EnvValue.fromValue(NATS_USERNAMES[role]),
        password: kplus.EnvValue.fromSecretValue({ secret, key }),
        // Only the provisioning Job's user may create streams and groups (natsPermissions).
        mayProvision: role === "provisioner",
      },
    ];
  });
  return Object.fromEntries(entries) as Record<BrokerRole, BrokerIdentity>;
}
