/**
 * The broker credentials as a SealedSecret "broker-credentials" (strict scope: the ciphertext is
 * bound to this name and namespace). The controller turns it into the Secret the apps read.
 * The encrypted values come from `cdk8s/sealed/<env>/broker-credentials.json` (`npm run seal`).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as kplus from "cdk8s-plus-29";
import { Construct } from "constructs";
import { SealedSecret } from "../imports/sealed-secrets-bitnami.com.js";
import type { EnvironmentName } from "../config.js";
import type { CredentialKey } from "./app-environment.js";
import { CREDENTIAL_KEYS } from "./app-environment.js";
import { SYNC_WAVE, syncWave } from "./argo-annotations.js";
import { PART_OF } from "./labels.js";

export const BROKER_CREDENTIALS_NAME = "broker-credentials";

/** Placeholder ciphertext until `npm run seal` writes the real file: base64 of "REPLACE-ME-run-npm-run-seal". */
export const PLACEHOLDER_CIPHERTEXT = Buffer.from("REPLACE-ME-run-npm-run-seal").toString("base64");

/** Shape of `cdk8s/sealed/<env>/broker-credentials.json`. */
export interface SealedCredentialsFile {
  readonly encryptedData: Readonly<Record<CredentialKey, string>>;
  /** What `npm run seal` bound the ciphertexts to (absent in the placeholder files). */
  readonly sealedFor?: { readonly scope: string; readonly namespace: string; readonly name: string };
}

/** Directory of the committed sealed files. */
export const SEALED_DIR = join(import.meta.dirname, "..", "sealed");

/** Read and check the committed sealed file of an environment. */
export function readSealedCredentials(env: EnvironmentName, dir: string = SEALED_DIR): SealedCredentialsFile {
  const file = join(dir, env, `${BROKER_CREDENTIALS_NAME}.json`);
  const parsed = JSON.parse(readFileSync(file, "utf8")) as {
    encryptedData?: Record<string, unknown>;
    sealedFor?: SealedCredentialsFile["sealedFor"];
  };
  const data = parsed.encryptedData ?? {};
  const encryptedData = {} as Record<CredentialKey, string>;
  for (const key of CREDENTIAL_KEYS) {
    const value = data[key];
    if (typeof value !== "string" || !/^[A-Za-z0-9+/]+=*$/.test(value))
      throw new Error(`${file}: encryptedData.${key} must be a base64 string, got ${JSON.stringify(value)}`);
    encryptedData[key] = value;
  }
  return parsed.sealedFor === undefined ? { encryptedData } : { encryptedData, sealedFor: parsed.sealedFor };
}

export interface BrokerCredentialsProps {
  /** Namespace the ciphertext was sealed for (strict scope). */
  readonly namespace: string;
  readonly encryptedData: Readonly<Record<CredentialKey, string>>;
  /** When given, must be strict scope for this name and namespace (else the controller cannot open it). */
  readonly sealedFor?: SealedCredentialsFile["sealedFor"];
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
    const labels = { "app.kubernetes.io/part-of": PART_OF };
    this.sealedSecret = new SealedSecret(this, "sealed-secret", {
      metadata: {
        name: BROKER_CREDENTIALS_NAME,
        namespace: props.namespace,
        labels,
        annotations: syncWave(SYNC_WAVE.config),
      },
      spec: {
        encryptedData: { ...props.encryptedData },
        template: {
          metadata: { name: BROKER_CREDENTIALS_NAME, namespace: props.namespace, labels },
          type: "Opaque",
        },
      },
    });
    this.secret = kplus.Secret.fromSecretName(this, "secret", this.sealedSecret.name);
  }
}
