/** Environment variables both apps (and the provisioning Job) get, typed by the apps' contract. */
import * as kplus from "cdk8s-plus-29";
import { COMMON_SETTINGS } from "../../src/runtime/config/common-contract.js";
import type { EnvMap } from "../../src/runtime/config/contract.js";
import type { BrokerEndpoints } from "./broker-endpoints.js";
import { MESSAGING_VARIABLES, type MessagingSettings } from "./messaging.js";

/** Keys of the credentials Secret ("broker-credentials"). */
export const CREDENTIAL_KEYS = [
  "BROKER_USERNAME",
  "BROKER_PASSWORD",
] as const satisfies readonly (keyof typeof COMMON_SETTINGS)[];
export type CredentialKey = (typeof CREDENTIAL_KEYS)[number];

/** The common variables as container env values. */
export type CommonEnvironment = EnvMap<typeof COMMON_SETTINGS, kplus.EnvValue>;

/** Port of /livez, /readyz and /metrics in both apps (container port name "http"): the contract's default. */
export const HTTP_PORT = COMMON_SETTINGS.HTTP_PORT.default;
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
export function commonEnvironment(connection: PipelineConnection): CommonEnvironment {
  const { broker, messaging, credentials } = connection;
  const value = (v: string | number): kplus.EnvValue => kplus.EnvValue.fromValue(String(v));
  const secret = (key: CredentialKey): kplus.EnvValue =>
    kplus.EnvValue.fromSecretValue({ secret: credentials, key });
  return {
    BROKER: value(broker.kind),
    BROKER_URL: value(broker.url),
    BROKER_MONITOR_URL: value(broker.monitorUrl),
    BROKER_ACCOUNT: value(broker.naming.account),
    ...(broker.kind === "memphis"
      ? { BROKER_ACCOUNT_ID: value(COMMON_SETTINGS.BROKER_ACCOUNT_ID.default) }
      : {}),
    BROKER_USERNAME: secret("BROKER_USERNAME"),
    BROKER_PASSWORD: secret("BROKER_PASSWORD"),
    ...messagingEnvironment(messaging),
    HTTP_PORT: value(HTTP_PORT),
    LOG_LEVEL: value(connection.logLevel),
    INSTANCE_ID: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
  };
}

/** STREAM, CONSUMER_GROUP, … : one variable per messaging setting. */
function messagingEnvironment(messaging: MessagingSettings): Partial<CommonEnvironment> {
  const entries = Object.entries(MESSAGING_VARIABLES) as [keyof MessagingSettings, string][];
  return Object.fromEntries(
    entries.map(([option, variable]) => [variable, kplus.EnvValue.fromValue(String(messaging[option]))]),
  );
}
