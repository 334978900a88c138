/**
 * A SealedSecret of a catalog entry (./catalog.ts) from its committed sealed file, with strict scope:
 * the ciphertexts open only under the entry's name and namespace. The controller turns it into the
 * Secret of the same name.
 */
import * as kplus from "cdk8s-plus-29";
import { Construct } from "constructs";
import { SealedSecret } from "../imports/sealed-secrets-bitnami.com.js";
import { syncWave } from "../lib/argo-annotations.js";
import { PART_OF } from "../lib/labels.js";
import type { SealedSecretSpec } from "./catalog.js";
import type { SealedFile } from "./sealed-file.js";

export interface StrictSealedSecretProps {
  /** Name, namespace and keys of the Secret. */
  readonly spec: SealedSecretSpec;
  /** Its ciphertexts (`readSealedFile`); every key of `spec` must be there. */
  readonly file: SealedFile;
  /** Argo CD sync wave of the SealedSecret. @default none (the Application's own order) */
  readonly syncWave?: number;
}

export class StrictSealedSecret extends Construct {
  readonly sealedSecret: SealedSecret;
  /** The Secret the controller creates from it, for env and volume references. */
  readonly secret: kplus.ISecret;

  constructor(scope: Construct, id: string, props: StrictSealedSecretProps) {
    super(scope, id);
    const { spec, file } = props;
    const missing = spec.keys.filter((k) => !file.encryptedData[k]);
    if (missing.length > 0)
      throw new Error(
        `StrictSealedSecret ${spec.namespace}/${spec.name}: encryptedData.${missing.join(", ")} is missing`,
      );
    const labels = { "app.kubernetes.io/part-of": PART_OF };
    this.sealedSecret = new SealedSecret(this, "sealed-secret", {
      metadata: {
        name: spec.name,
        namespace: spec.namespace,
        labels,
        ...(props.syncWave === undefined ? {} : { annotations: syncWave(props.syncWave) }),
      },
      spec: {
        encryptedData: Object.fromEntries(spec.keys.map((k) => [k, file.encryptedData[k]!])),
        template: { metadata: { name: spec.name, namespace: spec.namespace, labels }, type: "Opaque" },
      },
    });
    this.secret = kplus.Secret.fromSecretName(this, "secret", this.sealedSecret.name);
  }
}
