/**
 * The committed sealed credentials file `cdk8s/sealed/<env>/broker-credentials.json`, as the cdk8s
 * app reads it (`encryptedData`), plus `sealedFor`: what the ciphertexts are bound to, for review.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { encryptionLabel, sealValue, type SealingKey, type SealingScope } from "./sealing.js";

/** What a sealed file's ciphertexts are bound to. */
export interface SealedFor {
  readonly scope: SealingScope;
  readonly namespace: string;
  readonly name: string;
  /** SHA-256 of the certificate (or public key) used, hex: tells which controller can open it. */
  readonly certificateSha256: string;
}

/** Contents of `cdk8s/sealed/<env>/<name>.json`. */
export interface SealedCredentialsDocument {
  readonly encryptedData: Readonly<Record<string, string>>;
  readonly sealedFor: SealedFor;
}

export interface SealCredentialsProps {
  readonly key: SealingKey;
  readonly namespace: string;
  /** Secret name the ciphertexts are bound to (strict scope). */
  readonly name: string;
  /** @default "strict" */
  readonly scope?: SealingScope;
  /** Plaintext values by key. */
  readonly values: Readonly<Record<string, string>>;
}

/** Seal every value with the same scope label; keys sorted so the file diff is stable. */
export function sealCredentials(props: SealCredentialsProps): SealedCredentialsDocument {
  const scope = props.scope ?? "strict";
  const label = encryptionLabel(scope, props.namespace, props.name);
  const encryptedData: Record<string, string> = {};
  for (const key of Object.keys(props.values).sort()) {
    encryptedData[key] = sealValue(props.key.publicKey, label, Buffer.from(props.values[key] ?? "", "utf8"));
  }
  return {
    encryptedData,
    sealedFor: {
      scope,
      namespace: props.namespace,
      name: props.name,
      certificateSha256: props.key.fingerprint,
    },
  };
}

/** `<sealedDir>/<env>/<name>.json` */
export function sealedFilePath(sealedDir: string, env: string, name: string): string {
  return join(sealedDir, env, `${name}.json`);
}

/** Write the document (2-space JSON, trailing newline: the bytes prettier would write). */
export function writeSealedDocument(file: string, document: SealedCredentialsDocument): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
}
