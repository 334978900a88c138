/**
 * The sealed Secrets the infrastructure charts read through their existing-secret values (the
 * platform entries of ./catalog.ts), with the Namespaces they live in, synthesized into
 * `dist-manifests/<env>-platform/` and synced by the "platform-secrets" Application before the charts.
 */
import { Chart } from "cdk8s";
import * as kplus from "cdk8s-plus-29";
import type { Construct } from "constructs";
import type { BrokerKind } from "../../src/broker/port.js";
import type { EnvironmentName } from "../config.js";
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
  }
}
