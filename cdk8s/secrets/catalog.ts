/**
 * Every Secret this repository supplies sealed, per environment: where it lives, which keys it holds
 * and what reads it. `npm run seal -- --secret <name>` seals any of them (cdk8s/sealed/<env>/<name>.json)
 * and the charts deploy them from those files, so a new credential is one entry here.
 *
 * Platform Secrets are those the pinned charts would otherwise generate on every render: Argo CD
 * renders charts with `helm template`, where `lookup` returns nothing (argoproj/argo-cd#5202), so
 * `randAlphaNum` values change on every render and selfHeal applies them (chart facts
 * `generatedSecrets` in schemas/charts/). Each is named by the chart value that points the chart at
 * an existing Secret, and bound to its name and namespace (strict scope).
 */
import type { BrokerKind } from "../../src/broker/port.js";
import type { EnvironmentName } from "../config.js";
import { ENVIRONMENTS } from "../config.js";
import { CREDENTIAL_KEYS } from "../lib/app-environment.js";
import { brokerEndpoints } from "../lib/broker-endpoints.js";
import { MONITORING_NAMESPACE } from "../lib/platform-names.js";

/** Name of the pipeline's broker credentials Secret (the apps read `CREDENTIAL_KEYS` from it). */
export const BROKER_CREDENTIALS_NAME = "broker-credentials";

/** One sealed Secret: where it lives and which keys it must hold. */
export interface SealedSecretSpec {
  readonly name: string;
  readonly namespace: string;
  readonly keys: readonly string[];
  /** What reads it (for `npm run seal --help` and the docs). */
  readonly readBy: string;
  /**
   * Further Secrets sealed from the same input in the same `npm run seal` run (a value needed in a
   * second namespace: strict scope binds each ciphertext to one name and namespace). @default []
   */
  readonly copies?: readonly SealedSecretSpec[];
}

/** kube-prometheus-stack 67.8.0 → grafana 8.8.2: `grafana.admin.existingSecret`, keys `admin.userKey` / `admin.passwordKey`. */
export const GRAFANA_ADMIN: SealedSecretSpec = {
  name: "grafana-admin",
  namespace: MONITORING_NAMESPACE,
  keys: ["admin-user", "admin-password"],
  readBy: "Grafana (kube-prometheus-stack grafana.admin.existingSecret)",
};

/** Memphis account of the apps' user: the broker's root user, read by the user Job of the pipeline. */
export const MEMPHIS_ROOT_KEY = "ROOT_PASSWORD";
export const MEMPHIS_ADMIN_NAME = "memphis-admin";

/** The Memphis chart 1.4.3 Secrets (memphis@1.4.3.json generatedSecrets), for one environment. */
export function memphisSecrets(env: EnvironmentName): {
  creds: SealedSecretSpec;
  metadata: SealedSecretSpec;
  coordinator: SealedSecretSpec;
} {
  const namespace = brokerEndpoints("memphis").namespace;
  return {
    creds: {
      // memphis.creds.secretConfig.name (default "memphis-creds") with existingSecret: true.
      name: "memphis-creds",
      namespace,
      keys: [
        MEMPHIS_ROOT_KEY,
        "CONNECTION_TOKEN",
        "JWT_SECRET",
        "REFRESH_JWT_SECRET",
        "ENCRYPTION_SECRET_KEY",
        "JWT_SECRET_REST_GW",
        "REFRESH_JWT_SECRET_REST_GW",
      ],
      readBy: "the Memphis broker and REST gateway (memphis.creds.secretConfig.existingSecret)",
      copies: [
        {
          name: MEMPHIS_ADMIN_NAME,
          namespace: ENVIRONMENTS[env].namespace,
          keys: [MEMPHIS_ROOT_KEY],
          readBy: "the pipeline's memphis-user Job (creates the apps' Memphis user)",
        },
      ],
    },
    // Bitnami postgresql-ha 11.5.2 (alias "metadata"): postgresql.existingSecret keys.
    metadata: {
      name: "memphis-metadata",
      namespace,
      keys: ["password", "repmgr-password"],
      readBy: "Memphis metadata PostgreSQL and the broker (metadata.postgresql.existingSecret)",
    },
    // pgpool.existingSecret key.
    coordinator: {
      name: "memphis-metadata-coordinator",
      namespace,
      keys: ["admin-password"],
      readBy: "Memphis metadata pgpool (metadata.pgpool.existingSecret)",
    },
  };
}

/** The pipeline's own broker credentials in its namespace (the BrokerCredentials construct). */
export function brokerCredentialsSpec(namespace: string): SealedSecretSpec {
  return {
    name: BROKER_CREDENTIALS_NAME,
    namespace,
    keys: CREDENTIAL_KEYS,
    readBy: "the producer, the consumer and the provisioning Job",
  };
}

/** Platform Secrets of an environment (synthesized into `dist-manifests/<env>-platform/`). */
export function platformSecretSpecs(env: EnvironmentName, broker: BrokerKind): SealedSecretSpec[] {
  const memphis = broker === "memphis" ? Object.values(memphisSecrets(env)) : [];
  return [GRAFANA_ADMIN, ...memphis];
}

/** Every Secret `npm run seal` can write for an environment, copies included. */
export function sealableSecrets(env: EnvironmentName, broker: BrokerKind): SealedSecretSpec[] {
  return [brokerCredentialsSpec(ENVIRONMENTS[env].namespace), ...platformSecretSpecs(env, broker)];
}
