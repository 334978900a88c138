/**
 * The sealed Secrets the infrastructure charts read through their existing-secret values (the
 * platform entries of ./catalog.ts), with the Namespaces they live in, synthesized into
 * `dist-manifests/<env>-platform/` and synced by the "platform-secrets" Application before the charts;
 * on NATS also the NetworkPolicies of the broker's namespace (its chart has none).
 */
import { Chart } from "cdk8s";
import * as kplus from "cdk8s-plus-29";
import type { Construct } from "constructs";
import type { BrokerKind } from "../../src/broker/port.js";
import type { EnvironmentName } from "../config.js";
import { ENVIRONMENTS } from "../config.js";
import { brokerEndpoints } from "../lib/broker-endpoints.js";
import { BrokerNetworkPolicies } from "../lib/broker-network-policies.js";
import { KEDA_NAMESPACE, MONITORING_NAMESPACE } from "../lib/platform-names.js";
import type { SealedSecretSpec } from "./catalog.js";
import { platformSecretSpecs } from "./catalog.js";
import { readSealedFile, SEALED_DIR } from "./sealed-file.js";
import { StrictSealedSecret } from "./strict-sealed-secret.js";

export interface PlatformSecretsChartProps {
  readonly environment: EnvironmentName;
  readonly broker: BrokerKind;
  /** Folder of the sealed files. @default cdk8s/sealed */
  readonly sealedDir?: string;
}

export class PlatformSecretsChart extends Chart {
  readonly specs: readonly SealedSecretSpec[];
  /** Namespaces the Secrets go to (this chart creates them, before the charts that read them). */
  readonly namespaces: readonly string[];

  constructor(scope: Construct, id: string, props: PlatformSecretsChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    this.specs = platformSecretSpecs(props.environment, props.broker);
    this.namespaces = [...new Set(this.specs.map((s) => s.namespace))].sort();
    for (const name of this.namespaces)
      new kplus.k8s.KubeNamespace(this, `namespace-${name}`, { metadata: { name } });
    for (const spec of this.specs)
      new StrictSealedSecret(this, `${spec.namespace}-${spec.name}`, {
        spec,
        file: readSealedFile(props.environment, spec, props.sealedDir ?? SEALED_DIR),
      });
    // Memphis runs its metadata database and REST gateway beside the broker in its namespace, on
    // flows its chart does not document: a default deny there is out of scope (docs/security.md).
    if (props.broker === "nats") {
      const broker = brokerEndpoints("nats");
      if (!this.namespaces.includes(broker.namespace))
        throw new Error(
          `PlatformSecretsChart: no Namespace ${broker.namespace} for the broker's NetworkPolicies`,
        );
      new BrokerNetworkPolicies(this, "broker-network", {
        broker,
        pipelineNamespace: ENVIRONMENTS[props.environment].namespace,
        kedaNamespace: KEDA_NAMESPACE,
        monitoringNamespace: MONITORING_NAMESPACE,
      });
    }
  }
}
