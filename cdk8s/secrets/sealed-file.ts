/**
 * The committed sealed files `cdk8s/sealed/<env>/<name>.json`: the ciphertexts of one Secret
 * (`encryptedData`), plus `sealedFor`, what they are bound to, for review. `npm run seal` writes
 * them; the charts read them, checked against the Secret's catalog entry.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SealedSecretSpec } from "./catalog.js";
import { encryptionLabel, sealValue, type SealingKey, type SealingScope } from "./sealing-scheme.js";

/** Folder of the committed sealed files. */
export const SEALED_DIR = join(import.meta.dirname, "..", "sealed");

/** What a sealed file's ciphertexts are bound to. */
export interface SealedFor {
  readonly scope: SealingScope;
  readonly namespace: string;
  readonly name: string;
  /** SHA-256 of the certificate (or public key) used, hex: tells which controller can open it. */
  readonly certificateSha256: string;
}

/** Contents of `cdk8s/sealed/<env>/<name>.json` as `npm run seal` writes it. */
export interface SealedDocument {
  readonly encryptedData: Readonly<Record<string, string>>;
  readonly sealedFor: SealedFor;
}

/**
 * A sealed file as the charts read it: `sealedFor` as the file states it (checked against the
 * catalog), absent in a placeholder before the first seal.
 */
export interface SealedFile {
  readonly encryptedData: Readonly<Record<string, string>>;
  readonly sealedFor?: { readonly scope: string; readonly namespace: string; readonly name: string };
}

export interface SealDocumentProps {
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
export function sealDocument(props: SealDocumentProps): SealedDocument {
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

/** The text of a sealed file: 2-space JSON, trailing newline (the bytes prettier would write). */
export function sealedDocumentText(document: SealedDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Write the document. */
export function writeSealedDocument(file: string, document: SealedDocument): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, sealedDocumentText(document));
}

/** Read a committed sealed file and check it holds the spec's keys, bound to its name and namespace. */
export function readSealedFile(env: string, spec: SealedSecretSpec, dir: string = SEALED_DIR): SealedFile {
  const file = sealedFilePath(dir, env, spec.name);
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<SealedFile>;
  const data = parsed.encryptedData ?? {};
  const problems = spec.keys
    .filter((k) => typeof data[k] !== "string" || !/^[A-Za-z0-9+/]+=*$/.test(data[k]))
    .map((k) => `encryptedData.${k} must be a base64 string, got ${JSON.stringify(data[k])}`);
  const bound = parsed.sealedFor;
  if (
    bound !== undefined &&
    (bound.scope !== "strict" || bound.namespace !== spec.namespace || bound.name !== spec.name)
  )
    problems.push(
      `sealed for ${bound.scope} ${bound.namespace}/${bound.name}, expected strict ${spec.namespace}/${spec.name}`,
    );
  if (problems.length > 0)
    throw new Error(`${file}: ${problems.join("; ")}: re-run npm run seal -- --secret ${spec.name}`);
  return { encryptedData: data, ...(bound === undefined ? {} : { sealedFor: bound }) };
}
