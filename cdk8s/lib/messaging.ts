import {
  BROKER_OPTION_DEFAULTS,
  BROKER_OPTION_VARIABLES,
  type DefaultedBrokerOptions,
} from "../../src/runtime/config/common-contract.js";

/**
 * Stream, consumer group and delivery settings shared by producer, consumer and provisioning Job:
 * every `BrokerOptions` field the apps' contract gives a default (documented on `BrokerOptions`),
 * except the Memphis account id, which follows the broker. The contract checks the values when the
 * workloads are built (./contract-check.ts).
 */
export type MessagingSettings = Omit<DefaultedBrokerOptions, "accountId">;

const { accountId: _accountId, ...messagingVariables } = BROKER_OPTION_VARIABLES;
/** The contract's variable of each messaging setting (e.g. `stream` → `STREAM`). */
export const MESSAGING_VARIABLES: Readonly<Record<keyof MessagingSettings, string>> = messagingVariables;

const { accountId: _defaultAccountId, ...messagingDefaults } = BROKER_OPTION_DEFAULTS;
/** The apps' own defaults, read from their contract: the manifests never restate them. */
export const DEFAULT_MESSAGING: MessagingSettings = messagingDefaults;

/** Fill in the defaults (the contract checks the values when the workloads are built). */
export function resolveMessaging(settings: Partial<MessagingSettings> = {}): MessagingSettings {
  return { ...DEFAULT_MESSAGING, ...settings };
}
