// ServiceAccount credentials for the test API server, with tokens from the TokenRequest API: how a component or a
// check outside the cluster acts with exactly the identity (and RBAC) a pod running as that account would have.
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import type { KubeApiClient } from "./api-client.js";

/** A token for `namespace`/`name`, valid `seconds`. */
export async function serviceAccountToken(
  client: KubeApiClient,
  namespace: string,
  name: string,
  seconds = 3600,
): Promise<string> {
  const response = await client.request(
    "POST",
    `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    {
      contentType: "application/json",
      text: JSON.stringify({
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { expirationSeconds: seconds },
      }),
    },
  );
  const token = (response.body as { status?: { token?: string } }).status?.token;
  if (!token) throw new Error(`TokenRequest for ${namespace}/${name} returned no token`);
  return token;
}

/** Writes `file`, a kubeconfig authenticating as `namespace`/`name` to `client`'s server. */
export async function serviceAccountKubeconfig(
  client: KubeApiClient,
  caCertFile: string,
  namespace: string,
  name: string,
  file: string,
): Promise<string> {
  const token = await serviceAccountToken(client, namespace, name);
  const kubeconfig = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "test", cluster: { server: client.server, "certificate-authority": caCertFile } }],
    users: [{ name, user: { token } }],
    contexts: [{ name: "test", context: { cluster: "test", user: name, namespace } }],
    "current-context": "test",
  };
  writeFileSync(file, stringify(kubeconfig), { mode: 0o600 });
  return file;
}
