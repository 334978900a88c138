/**
 * The environments the apps are started with outside a cluster (tests, the bench, the local run),
 * typed by the apps' contracts (`EnvMap`): a misspelt variable, or a required one left out, fails
 * type-checking instead of surfacing as a config error in a child's log.
 */
import { CONSUMER_SETTINGS } from "../src/apps/consumer/contract.js";
import { PRODUCER_SETTINGS } from "../src/apps/producer/contract.js";
import type { COMMON_SETTINGS } from "../src/runtime/config/common-contract.js";
import type { EnvMap, Settings } from "../src/runtime/config/contract.js";

export type AppName = "producer" | "consumer";

const SETTINGS = { producer: PRODUCER_SETTINGS, consumer: CONSUMER_SETTINGS } as const satisfies Record<
  AppName,
  Settings
>;

/** Every variable of an app's process: the required ones present. */
export type AppEnv<A extends AppName> = EnvMap<(typeof SETTINGS)[A], string>;

/** Some of an app's variables (overrides, a manifest's values). */
export type AppVariables<A extends AppName> = Partial<AppEnv<A>>;

/** Variables of the common contract (both apps), each of `K` set: what a broker gives the apps. */
export type CommonVariables<K extends keyof typeof COMMON_SETTINGS & string> = Readonly<Record<K, string>>;

/** The variables a broker launcher hands the apps: where the broker is, at least. */
export type BrokerEnv = CommonVariables<"BROKER" | "BROKER_URL" | "BROKER_MONITOR_URL"> &
  Partial<CommonVariables<keyof typeof COMMON_SETTINGS & string>>;

/**
 * A variable map read at run time (e.g. a Deployment's env), checked against `app`'s contract:
 * throws naming `where` and every variable the contract does not know.
 */
export function appVariablesOf<A extends AppName>(
  app: A,
  env: Readonly<Record<string, string>>,
  where: string,
): AppVariables<A> {
  const unknown = Object.keys(env).filter((name) => !(name in SETTINGS[app]));
  if (unknown.length > 0) throw new Error(`${where}: not in the ${app} contract: ${unknown.join(", ")}`);
  return env as AppVariables<A>;
}
