/**
 * The Bitnami Sealed Secrets encryption scheme on `node:crypto` (what `kubeseal` does offline with
 * the controller's public certificate), with the scope chosen explicitly so that the default,
 * strict scope — bound to namespace AND name — can be produced. `@linode/kubeseal-encrypt` can only
 * do namespace-wide scope (it uses the namespace as the label), hence this small implementation.
 *
 * Scheme (sealed-secrets `pkg/crypto` HybridEncrypt): a random 32-byte session key; RSA-OAEP with
 * SHA-256 and the scope label encrypts the session key; AES-256-GCM with a zero nonce encrypts the
 * value; output = 2-byte big-endian length of the RSA part || RSA part || AES ciphertext || GCM tag,
 * base64-encoded.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  X509Certificate,
  type KeyObject,
} from "node:crypto";

/** Sealed Secrets scopes (annotation values as the controller reads them). */
export type SealingScope = "strict" | "namespace-wide" | "cluster-wide";

const SESSION_KEY_BYTES = 32;
const GCM_NONCE_BYTES = 12;
const GCM_TAG_BYTES = 16;

/** The OAEP label that binds a ciphertext to its scope: `namespace/name`, `namespace` or empty. */
export function encryptionLabel(scope: SealingScope, namespace: string, name: string): Buffer {
  switch (scope) {
    case "strict":
      if (namespace === "" || name === "")
        throw new Error(
          `strict scope needs a namespace and a name, got namespace="${namespace}" name="${name}"`,
        );
      return Buffer.from(`${namespace}/${name}`);
    case "namespace-wide":
      if (namespace === "") throw new Error(`namespace-wide scope needs a namespace, got ""`);
      return Buffer.from(namespace);
    case "cluster-wide":
      return Buffer.alloc(0);
  }
}

/** A public key with where it came from (the certificate's SHA-256 fingerprint when it was a certificate). */
export interface SealingKey {
  readonly publicKey: KeyObject;
  /** SHA-256 of the DER certificate or of the DER public key, hex. */
  readonly fingerprint: string;
}

/** Read the controller's certificate (PEM, as `kubeseal --fetch-cert` prints it) or a PEM RSA public key. */
export function readSealingKey(pem: string): SealingKey {
  let publicKey: KeyObject;
  let der: Buffer;
  if (pem.includes("-----BEGIN CERTIFICATE-----")) {
    const cert = new X509Certificate(pem);
    publicKey = cert.publicKey;
    der = cert.raw;
  } else if (pem.includes("-----BEGIN PUBLIC KEY-----") || pem.includes("-----BEGIN RSA PUBLIC KEY-----")) {
    publicKey = createPublicKey(pem);
    der = publicKey.export({ type: "spki", format: "der" });
  } else {
    throw new Error(
      "--cert: expected a PEM certificate or PEM public key (no BEGIN CERTIFICATE/PUBLIC KEY found)",
    );
  }
  if (publicKey.asymmetricKeyType !== "rsa")
    throw new Error(
      `--cert: the sealed-secrets controller uses RSA keys, got ${publicKey.asymmetricKeyType}`,
    );
  return { publicKey, fingerprint: createHash("sha256").update(der).digest("hex") };
}

/** Encrypt one value for the controller holding the private key of `publicKey`; returns base64. */
export function sealValue(publicKey: KeyObject, label: Buffer, plaintext: Buffer): string {
  const sessionKey = randomBytes(SESSION_KEY_BYTES);
  const rsaPart = publicEncrypt(
    { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: label },
    sessionKey,
  );
  const cipher = createCipheriv("aes-256-gcm", sessionKey, Buffer.alloc(GCM_NONCE_BYTES));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(rsaPart.length);
  return Buffer.concat([length, rsaPart, body]).toString("base64");
}

/**
 * Decrypt a sealed value as the controller does (tests and diagnostics only: the private key is
 * never part of this repository). Throws when the label (scope, namespace, name) does not match.
 */
export function openSealedValue(privateKey: KeyObject, label: Buffer, sealed: string): Buffer {
  const bytes = Buffer.from(sealed, "base64");
  if (bytes.length < 2) throw new Error("sealed value too short");
  const rsaLength = bytes.readUInt16BE(0);
  const rsaPart = bytes.subarray(2, 2 + rsaLength);
  const body = bytes.subarray(2 + rsaLength);
  if (rsaPart.length !== rsaLength || body.length < GCM_TAG_BYTES) throw new Error("sealed value truncated");
  const sessionKey = privateDecrypt(
    { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: label },
    rsaPart,
  );
  const decipher = createDecipheriv("aes-256-gcm", sessionKey, Buffer.alloc(GCM_NONCE_BYTES));
  decipher.setAuthTag(body.subarray(body.length - GCM_TAG_BYTES));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - GCM_TAG_BYTES)), decipher.final()]);
}
