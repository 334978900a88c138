// The real KEDA operator and metrics API server, built from github.com/kedacore/keda/v2 (keda/go.mod), run as
// processes against a test API server with the identities and RBAC the KEDA chart installs, and with the chart's
// arguments (kedacore/charts v2.20.2 keda/templates/manager/deployment.yaml and metrics-server/deployment.yaml)
// except where a pod's surroundings are missing:
//  - addresses: every listener on 127.0.0.1 with a free port instead of the pod's fixed ports;
//  - the admission webhooks are not run, so the operator does not patch their configuration
//    (--enable-webhook-patching=false);
//  - the metrics API server is reached through its Service as an ExternalName Service to localhost on its port:
//    the aggregator resolves an APIService's Service with ResolveCluster (k8s.io/apiserver
//    pkg/util/proxy/proxy.go), which for an ExternalName Service dials https://<externalName>:<APIService port>,
//    whereas a ClusterIP needs a kube-proxy and Endpoints refuse loopback addresses. Its TLS is still verified:
//    the server name is <service>.<namespace>.svc and the caBundle is the one the operator patches in.
//  - the metrics server dials the operator's gRPC service on 127.0.0.1 with the authority the certificate names
//    (--metrics-service-grpc-authority, a flag of the adapter for exactly this).
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { KubeApiClient, KubeObject } from "../api-client.js";
import { freePort } from "../../../scripts/lib/nats-server.js";
import { serviceAccountKubeconfig } from "../service-account.js";
import { ServerProcess, waitUntilReady } from "../server-process.js";
import { KEDA_CHART_NAMES, kedaChartRbac } from "./chart-rbac.js";

export const KEDA_OPERATOR_PACKAGE = "github.com/kedacore/keda/v2/cmd/operator";
export const KEDA_ADAPTER_PACKAGE = "github.com/kedacore/keda/v2/cmd/adapter";

/** The APIService the chart registers for the external metrics API (metrics-server/apiservice.yaml). */
export const EXTERNAL_METRICS_APISERVICE = "v1beta1.external.metrics.k8s.io";

export interface KedaBinaries {
  readonly operator: string;
  readonly adapter: string;
}

export interface Keda {
  readonly operator: ServerProcess;
  readonly metricsServer: ServerProcess;
  stop(): Promise<void>;
}

const CLUSTER_DOMAIN = "cluster.local";

interface Condition {
  readonly type: string;
  readonly status: string;
  readonly message?: string;
}

async function available(client: KubeApiClient, name: string): Promise<boolean> {
  const apiService = (await client.get(`/apis/apiregistration.k8s.io/v1/apiservices/${name}`)) as {
    status?: { conditions?: readonly Condition[] };
  };
  const condition = apiService.status?.conditions?.find((c) => c.type === "Available");
  if (condition?.status !== "True")
    throw new Error(`APIService ${name} not available: ${condition?.message ?? "no status"}`);
  return true;
}

/**
 * Puts the chart's RBAC on the server, then starts the operator (which generates the certificates into the
 * `kedaorg-certs` Secret and `dir`/certs, and patches the APIService's caBundle) and the metrics server; resolves
 * when the external metrics APIService is Available.
 */
export async function startKeda(
  admin: KubeApiClient,
  caCertFile: string,
  binaries: KedaBinaries,
  namespace: string,
  dir: string,
): Promise<Keda> {
  const n = KEDA_CHART_NAMES;
  await admin.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } });
  for (const object of kedaChartRbac(namespace)) await admin.apply(object);
  const operatorKubeconfig = await serviceAccountKubeconfig(
    admin, caCertFile, namespace, n.operatorServiceAccount, join(dir, "keda-operator.kubeconfig"),
  ); // prettier-ignore
  const metricsKubeconfig = await serviceAccountKubeconfig(
    admin, caCertFile, namespace, n.metricsServerServiceAccount, join(dir, "keda-metrics-server.kubeconfig"),
  ); // prettier-ignore
  const certDir = join(dir, "keda-certs");
  const caDir = join(dir, "keda-ca");
  mkdirSync(certDir, { recursive: true });
  mkdirSync(caDir, { recursive: true });
  const [probePort, operatorMetricsPort, grpcPort, adapterPort, adapterMetricsPort] = await Promise.all(
    [1, 2, 3, 4, 5].map(() => freePort()),
  );
  const env = {
    ...process.env,
    WATCH_NAMESPACE: "",
    POD_NAME: `${n.operator}-0`,
    POD_NAMESPACE: namespace,
    OPERATOR_NAME: n.operator,
    KEDA_HTTP_DEFAULT_TIMEOUT: "3000",
    KEDA_HTTP_MIN_TLS_VERSION: "TLS12",
    KEDA_SERVICE_MIN_TLS_VERSION: "TLS12",
  };
  const operator = ServerProcess.start(
    "keda-operator",
    binaries.operator,
    [
      "--leader-elect",
      "--disable-compression=true",
      "--zap-log-level=info",
      "--zap-encoder=console",
      "--enable-webhook-patching=false",
      `--cert-dir=${certDir}`,
      "--enable-cert-rotation=true",
      `--cert-secret-name=${n.certSecret}`,
      `--operator-service-name=${n.operator}`,
      `--metrics-server-service-name=${n.metricsApiServerService}`,
      "--webhooks-service-name=keda-admission-webhooks",
      "--k8s-cluster-name=kubernetes-default",
      `--k8s-cluster-domain=${CLUSTER_DOMAIN}`,
      "--enable-prometheus-metrics=true",
      `--metrics-bind-address=127.0.0.1:${operatorMetricsPort}`,
      `--health-probe-bind-address=127.0.0.1:${probePort}`,
      `--metrics-service-bind-address=127.0.0.1:${grpcPort}`,
      `--ca-dir=${caDir}`,
    ],
    join(dir, "keda-operator.log"),
    { ...env, KUBECONFIG: operatorKubeconfig },
  );
  const stopAll: ServerProcess[] = [operator];
  const stop = async (): Promise<void> => {
    for (const server of [...stopAll].reverse()) await server.stop();
  };
  try {
    await waitUntilReady(
      operator,
      async () =>
        (await fetch(`http://127.0.0.1:${probePort}/readyz`)).ok &&
        ["ca.crt", "tls.crt", "tls.key"].every((file) => existsSync(join(certDir, file))),
      180_000,
    );
    const apiService: KubeObject = {
      apiVersion: "apiregistration.k8s.io/v1",
      kind: "APIService",
      metadata: { name: EXTERNAL_METRICS_APISERVICE },
      spec: {
        service: { name: n.metricsApiServerService, namespace, port: adapterPort },
        group: "external.metrics.k8s.io",
        version: "v1beta1",
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    };
    const service: KubeObject = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: n.metricsApiServerService, namespace },
      spec: {
        type: "ExternalName",
        externalName: "localhost",
        ports: [{ name: "https", port: adapterPort }],
      },
    };
    await admin.apply(service);
    await admin.apply(apiService);
    const metricsServer = ServerProcess.start(
      "keda-metrics-apiserver",
      binaries.adapter,
      [
        `--port=${adapterMetricsPort}`,
        `--secure-port=${adapterPort}`,
        "--bind-address=127.0.0.1",
        "--logtostderr=true",
        "--stderrthreshold=ERROR",
        "--disable-compression=true",
        `--metrics-service-address=127.0.0.1:${grpcPort}`,
        `--metrics-service-grpc-authority=${n.operator}.${namespace}.svc.${CLUSTER_DOMAIN}`,
        `--client-ca-file=${join(certDir, "ca.crt")}`,
        `--tls-cert-file=${join(certDir, "tls.crt")}`,
        `--tls-private-key-file=${join(certDir, "tls.key")}`,
        `--cert-dir=${certDir}`,
        `--authentication-kubeconfig=${metricsKubeconfig}`,
        `--authorization-kubeconfig=${metricsKubeconfig}`,
        "--v=0",
        "--zap-log-level=info",
        "--zap-encoder=console",
      ],
      join(dir, "keda-metrics-apiserver.log"),
      { ...env, KUBECONFIG: metricsKubeconfig },
    );
    stopAll.push(metricsServer);
    await waitUntilReady(metricsServer, () => available(admin, EXTERNAL_METRICS_APISERVICE), 180_000);
    return { operator, metricsServer, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
