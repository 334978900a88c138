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

/** The pipeline's roles on the broker: each may get its own identity with only the rights it needs. */
export const BROKER_ROLES = ["producer", "consumer", "provisioner"] as const;
export type BrokerRole = (typeof BROKER_ROLES)[number];

/** Who a container is on the broker: BROKER_USERNAME / BROKER_PASSWORD, and what it may do. */
export interface BrokerIdentity {
  readonly username: kplus.EnvValue;
  readonly password: kplus.EnvValue;
  /**
   * Whether the identity may create the stream and group, so the app provisions them at start
   * (PROVISION on-start); otherwise only the provisioning Job does.
   */
  readonly mayProvision: boolean;
}

/** PROVISION of a container logged in as `identity`. */
export function provisionEnv(identity: BrokerIdentity): kplus.EnvValue {
  return kplus.EnvValue.fromValue(identity.mayProvision ? "on-start" : "never");
}

/** One identity for every role, from the credentials Secret (`CREDENTIAL_KEYS`): the Memphis apps' user. */
export function sharedIdentities(credentials: kplus.ISecret): Readonly<Record<BrokerRole, BrokerIdentity>> {
  const secret = (key: CredentialKey): kplus.EnvValue =>
    kplus.EnvValue.fromSecretValue({ secret: credentials, key });
  const identity: BrokerIdentity = {
    username: secret("BROKER_USERNAME"),
    password: secret("BROKER_PASSWORD"),
    mayProvision: true,
  };
  return { producer: identity, consumer: identity, provisioner: identity };
}

/** The common variables as container env values. */
export type CommonEnvironment = EnvMap<typeof COMMON_SETTINGS, kplus.EnvValue>;

/** Port of /livez, /readyz and /metrics in both apps (container port name "http"): the contract's default. */
export const HTTP_PORT = COMMON_SETTINGS.HTTP_PORT.default;
export const HTTP_PORT_NAME = "http";

/** What every pipeline container needs to reach the broker, wired by reference. */
export interface PipelineConnection {
  readonly broker: BrokerEndpoints;
  readonly messaging: MessagingSettings;
  /** Who each role is on the broker. */
  readonly identities: Readonly<Record<BrokerRole, BrokerIdentity>>;
  readonly logLevel: string;
}

/** BROKER_* as `role`, stream settings, PROVISION, HTTP_PORT, LOG_LEVEL and INSTANCE_ID (the pod name). */
export function commonEnvironment(connection: PipelineConnection, role: BrokerRole): CommonEnvironment {
  const { broker, messaging } = connection;
  const identity = connection.identities[role];
  const value = (v: string | number): kplus.EnvValue => kplus.EnvValue.fromValue(String(v));
  return {
    BROKER: value(broker.kind),
    BROKER_URL: value(broker.url),
    BROKER_MONITOR_URL: value(broker.monitorUrl),
    BROKER_ACCOUNT: value(broker.naming.account),
    ...(broker.kind === "memphis"
      ? { BROKER_ACCOUNT_ID: value(COMMON_SETTINGS.BROKER_ACCOUNT_ID.default) }
      : {}),
    BROKER_USERNAME: identity.username,
    BROKER_PASSWORD: identity.password,
    ...messagingEnvironment(messaging),
    PROVISION: provisionEnv(identity),
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
