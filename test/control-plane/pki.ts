// The certificates and keys a test control plane needs, generated fresh per run with openssl into one directory:
// a cluster CA, the API server's serving certificate for 127.0.0.1, an admin client certificate (group
// system:masters, what kubeadm's admin.conf carries), the service-account signing key pair, and a front-proxy CA
// with the client certificate the aggregator presents to extension API servers.
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ClientCertificate {
  readonly cert: string;
  readonly key: string;
}

export interface ControlPlanePki {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly admin: ClientCertificate;
  readonly serviceAccountKey: string;
  readonly serviceAccountPublicKey: string;
  readonly frontProxyCaCert: string;
  readonly frontProxyClient: ClientCertificate;
}

/** Certificates live one day: a run takes minutes and nothing outlives it. */
const DAYS = "1";

function openssl(args: readonly string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
}

function ecKey(file: string): void {
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file]);
}

function selfSignedCa(dir: string, name: string, commonName: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  ecKey(key);
  openssl(["req", "-x509", "-new", "-key", key, "-out", cert, "-days", DAYS, "-subj", `/CN=${commonName}`]);
  return { cert, key };
}

/** A certificate for `subject` signed by the CA, with the given extensions (openssl -addext syntax). */
function signed(
  dir: string,
  name: string,
  ca: { cert: string; key: string },
  subject: string,
  extensions: readonly string[],
): ClientCertificate {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  ecKey(key);
  const addext = extensions.flatMap((extension) => ["-addext", extension]);
  openssl([
    "req", "-x509", "-new", "-key", key, "-out", cert, "-days", DAYS, "-subj", subject,
    "-CA", ca.cert, "-CAkey", ca.key, "-addext", "basicConstraints=critical,CA:FALSE", ...addext,
  ]); // prettier-ignore
  return { cert, key };
}

/** Generates every certificate and key into `dir` (which must exist and be empty). */
export function generatePki(dir: string): ControlPlanePki {
  const ca = selfSignedCa(dir, "ca", "control-plane-test-ca");
  const server = signed(dir, "apiserver", ca, "/CN=kube-apiserver", [
    "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc",
    "extendedKeyUsage=serverAuth",
    "keyUsage=critical,digitalSignature,keyEncipherment",
  ]);
  const admin = signed(dir, "admin", ca, "/O=system:masters/CN=control-plane-test-admin", [
    "extendedKeyUsage=clientAuth",
    "keyUsage=critical,digitalSignature",
  ]);
  const frontProxyCa = selfSignedCa(dir, "front-proxy-ca", "control-plane-test-front-proxy-ca");
  const frontProxyClient = signed(dir, "front-proxy-client", frontProxyCa, "/CN=front-proxy-client", [
    "extendedKeyUsage=clientAuth",
    "keyUsage=critical,digitalSignature",
  ]);
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const serviceAccountKey = join(dir, "sa.key");
  const serviceAccountPublicKey = join(dir, "sa.pub");
  writeFileSync(serviceAccountKey, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  writeFileSync(serviceAccountPublicKey, publicKey.export({ type: "spki", format: "pem" }));
  return {
    dir,
    caCert: ca.cert,
    caKey: ca.key,
    serverCert: server.cert,
    serverKey: server.key,
    admin,
    serviceAccountKey,
    serviceAccountPublicKey,
    frontProxyCaCert: frontProxyCa.cert,
    frontProxyClient,
  };
}
