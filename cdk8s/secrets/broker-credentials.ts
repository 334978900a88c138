/**
 * The broker credentials as a SealedSecret "broker-credentials" (strict scope: the ciphertext is
 * bound to this name and namespace). The controller turns it into the Secret the apps read.
 * The encrypted values come from `cdk8s/sealed/<env>/broker-credentials.json` (`npm run seal`).
 */
import type * as kplus from "cdk8s-plus-29";
import { Construct } from "constructs";
import type { SealedSecret } from "../imports/sealed-secrets-bitnami.com.js";
import { CREDENTIAL_KEYS } from "../lib/app-environment.js";
import { SYNC_WAVE } from "../lib/argo-annotations.js";
import { BROKER_CREDENTIALS_NAME, brokerCredentialsSpec } from "./catalog.js";
import type { EnvironmentName } from "../config.js";
import { ENVIRONMENTS } from "../config.js";
import type { SealedFile } from "./sealed-file.js";
import { readSealedFile, SEALED_DIR } from "./sealed-file.js";
import { StrictSealedSecret } from "./strict-sealed-secret.js";

/** Placeholder ciphertext until `npm run seal` writes the real file: base64 of "REPLACE-ME-run-npm-run-seal". */
export const PLACEHOLDER_CIPHERTEXT = Buffer.from("REPLACE-ME-run-npm-run-seal").toString("base64");

/** Read and check the committed broker credentials of an environment. */
export function readSealedCredentials(env: EnvironmentName, dir: string = SEALED_DIR): SealedFile {
  return readSealedFile(env, brokerCredentialsSpec(ENVIRONMENTS[env].namespace), dir);
}

export interface BrokerCredentialsProps {
  /** Namespace the ciphertext was sealed for (strict scope). */
  readonly namespace: string;
  /** The ciphertexts by key; each of `CREDENTIAL_KEYS` must be there. */
  readonly encryptedData: Readonly<Record<string, string>>;
  /** When given, must be strict scope for this name and namespace (else the controller cannot open it). */
  readonly sealedFor?: SealedFile["sealedFor"];
}

export class BrokerCredentials extends Construct {
  readonly sealedSecret: SealedSecret;
  /** The Secret the controller creates from it, for env references. */
  readonly secret: kplus.ISecret;

  constructor(scope: Construct, id: string, props: BrokerCredentialsProps) {
    super(scope, id);
    for (const key of CREDENTIAL_KEYS)
      if (!props.encryptedData[key]) throw new Error(`BrokerCredentials: encryptedData.${key} is missing`);
    const bound = props.sealedFor;
    if (
      bound !== undefined &&
      (bound.scope !== "strict" ||
        bound.namespace !== props.namespace ||
        bound.name !== BROKER_CREDENTIALS_NAME)
    )
      throw new Error(
        `BrokerCredentials: sealed for ${bound.scope} ${bound.namespace}/${bound.name}, ` +
          `expected strict ${props.namespace}/${BROKER_CREDENTIALS_NAME}: re-run npm run seal`,
      );
    const sealed = new StrictSealedSecret(this, "sealed", {
      spec: brokerCredentialsSpec(props.namespace),
      file: { encryptedData: props.encryptedData },
      syncWave: SYNC_WAVE.config,
    });
    this.sealedSecret = sealed.sealedSecret;
    this.secret = sealed.secret;
  }
}
