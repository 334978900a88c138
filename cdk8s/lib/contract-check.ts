/**
 * The manifests' environment checked by the app's own contract at synth time: a value the app
 * would refuse at start-up (exit 2) fails the synth instead, with the app's own message. Values
 * from Secrets and field references are not known at synth time; their examples stand in.
 */
import type * as kplus from "cdk8s-plus-29";
import { ConfigError } from "../../src/runtime/config/config-error.js";
import { loadContract, type AppContract, type Settings } from "../../src/runtime/config/contract.js";

/** Throw naming the construct and every variable the app would refuse. */
export function checkEnvironment<S extends Settings>(
  construct: string,
  contract: AppContract<S>,
  env: Readonly<Record<string, kplus.EnvValue | undefined>>,
  /** Literal values of variables that come from a ConfigMap (known at synth time). */
  configMapValues: Readonly<Record<string, string>> = {},
): void {
  const plain: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const setting = contract.settings[name];
    plain[name] = value.value ?? configMapValues[name] ?? setting?.example ?? "";
  }
  try {
    loadContract(contract, plain);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new Error(`${construct}: the ${contract.app} would refuse its environment: ${error.message}`);
    throw error;
  }
}
