/** Environment variables both apps (and the provisioning Job) get, per the shared contract. */
import * as kplus from "cdk8s-plus-29";
import type { BrokerEndpoints } from "./broker-endpoints.js";
import { MEMPHIS_ACCOUNT_ID } from "./broker-endpoints.js";
import type { MessagingSettings } from "./messaging.js";
import { DEFAULTS } from "../../src/runtime/defaults.js";

/** Keys of the credentials Secret ("broker-credentials"). */
export const CREDENTIAL_KEYS = ["BROKER_USERNAME", "BROKER_PASSWORD"] as const;
export type CredentialKey = (typeof CREDENTIAL_KEYS)[number];

/** Port of /livez, /readyz and /metrics in both apps (container port name "http"). */
export const HTTP_PORT = DEFAULTS.httpPort;
export const HTTP_PORT_NAME = "http";

/** What every pipeline container needs to reach the broker, wired by reference. */
export interface PipelineConnection {
  readonly broker: BrokerEndpoints;
  readonly messaging: MessagingSettings;
  /** The Secret the SealedSecret controller creates, holding `CREDENTIAL_KEYS`. */
  readonly credentials: kplus.ISecret;
  readonly logLevel: string;
}

/** BROKER_*, stream settings, HTTP_PORT, LOG_LEVEL and INSTANCE_ID (the pod name). */
export function commonEnvironment(connection: PipelineConnection): Record<string, kplus.EnvValue> {
  const { broker, messaging, credentials } = connection;
  const value = (v: string | number): kplus.EnvValue => kplus.EnvValue.fromValue(String(v));
  const secret = (key: CredentialKey): kplus.EnvValue =>
    kplus.EnvValue.fromSecretValue({ secret: credentials, key });
  return {
    BROKER: value(broker.kind),
    BROKER_URL: value(broker.url),
    BROKER_MONITOR_URL: value(broker.monitorUrl),
    BROKER_ACCOUNT: value(broker.account),
    ...(broker.kind === "memphis" ? { BROKER_ACCOUNT_ID: value(MEMPHIS_ACCOUNT_ID) } : {}),
    BROKER_USERNAME: secret("BROKER_USERNAME"),
    BROKER_PASSWORD: secret("BROKER_PASSWORD"),
    STREAM: value(messaging.stream),
    CONSUMER_GROUP: value(messaging.consumerGroup),
    DEAD_LETTER_STREAM: value(messaging.deadLetterStream),
    ACK_WAIT_MS: value(messaging.ackWaitMs),
    MAX_DELIVERIES: value(messaging.maxDeliveries),
    RETENTION_SECONDS: value(messaging.retentionSeconds),
    DEDUP_WINDOW_MS: value(messaging.dedupWindowMs),
    HTTP_PORT: value(HTTP_PORT),
    LOG_LEVEL: value(connection.logLevel),
    INSTANCE_ID: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
  };
}
