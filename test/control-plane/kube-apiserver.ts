// A kube-apiserver built from the module's k8s.io/kubernetes, on 127.0.0.1 with a free port, backed by an etcd
// of its own, authenticating clients by certificate and authorizing with RBAC (as clusters do), ready when
// /readyz answers ok to the admin identity.
import { join } from "node:path";
import { KubeApiClient } from "./api-client.js";
import { freePort } from "../../testkit/nats-server.js";
import type { Etcd } from "./etcd.js";
import type { ControlPlanePki } from "./pki.js";
import { ServerProcess, waitUntilReady } from "./server-process.js";

/** The package path of the API server's command in k8s.io/kubernetes. */
export const KUBE_APISERVER_PACKAGE = "k8s.io/kubernetes/cmd/kube-apiserver";

/** The Service IP range; kube-apiserver needs one, and nothing routes it here. */
const SERVICE_CLUSTER_IP_RANGE = "10.96.0.0/16";

export interface KubeApiServer {
  readonly url: string;
  readonly process: ServerProcess;
  /** A client with the admin identity (group system:masters). */
  readonly admin: KubeApiClient;
}

/** Starts `binary` against `etcd` with the certificates of `pki`; logs to `dir`/kube-apiserver.log. */
export async function startKubeApiServer(
  binary: string,
  etcd: Etcd,
  pki: ControlPlanePki,
  dir: string,
): Promise<KubeApiServer> {
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const server = ServerProcess.start(
    "kube-apiserver",
    binary,
    [
      `--etcd-servers=${etcd.url}`,
      "--bind-address=127.0.0.1",
      `--secure-port=${port}`,
      // The endpoint reconciler writes the advertise address into the `kubernetes` Service's endpoints, and
      // Endpoints validation refuses loopback addresses; nothing here routes to that Service.
      "--endpoint-reconciler-type=none",
      "--advertise-address=127.0.0.1",
      `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
      `--tls-cert-file=${pki.serverCert}`,
      `--tls-private-key-file=${pki.serverKey}`,
      `--client-ca-file=${pki.caCert}`,
      "--authorization-mode=Node,RBAC",
      "--anonymous-auth=false",
      `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
      `--service-account-key-file=${pki.serviceAccountPublicKey}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      // The aggregation layer (APIService objects, e.g. KEDA's external metrics API) proxies with this identity.
      `--requestheader-client-ca-file=${pki.frontProxyCaCert}`,
      "--requestheader-allowed-names=front-proxy-client",
      "--requestheader-username-headers=X-Remote-User",
      "--requestheader-group-headers=X-Remote-Group",
      "--requestheader-extra-headers-prefix=X-Remote-Extra-",
      `--proxy-client-cert-file=${pki.frontProxyClient.cert}`,
      `--proxy-client-key-file=${pki.frontProxyClient.key}`,
      "--profiling=false",
      "--v=1",
    ],
    join(dir, "kube-apiserver.log"),
  );
  const admin = new KubeApiClient(url, pki.caCert, pki.admin);
  try {
    await waitUntilReady(server, async () => (await admin.get("/readyz")) === "ok", 120_000);
  } catch (error) {
    admin.close();
    await server.stop();
    throw error;
  }
  return { url, process: server, admin };
}
