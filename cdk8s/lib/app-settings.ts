/**
 * An app's own settings in the manifests, keyed by its contract's variable names: an environment
 * sets a variable by its name (`{ CONCURRENCY: 8 }`), every variable it leaves out takes the
 * contract's default. Nothing here restates a setting, so a new variable of the contract can be set
 * per environment without touching the constructs.
 */
import * as kplus from "cdk8s-plus-29";
import type { COMMON_SETTINGS } from "../../src/runtime/config/common-contract.js";
import type { Settings, Values } from "../../src/runtime/config/contract.js";

/** The variables an app adds to the common ones (the common ones come from the connection). */
export type OwnVariable<S extends Settings> = Exclude<keyof S & string, keyof typeof COMMON_SETTINGS>;

/** Values of an app's own variables, typed by its contract; each one left out takes its default. */
export type AppSettings<S extends Settings, Excluded extends string = never> = {
  readonly [K in Exclude<OwnVariable<S>, Excluded>]?: Values<S>[K];
};

/** The stated variables, each with a value (its default or the override), and any other override. */
export type ResolvedAppSettings<S extends Settings, Stated extends OwnVariable<S>> = AppSettings<S> & {
  readonly [K in Stated]: NonNullable<Values<S>[K]>;
};

/**
 * The values the manifests state: each of `stated` (the override, else the contract's default),
 * then every other variable the overrides set, all in the contract's order.
 */
export function resolveAppSettings<S extends Settings, Stated extends OwnVariable<S>>(
  construct: string,
  settings: S,
  stated: readonly Stated[],
  overrides: AppSettings<S, string>,
): ResolvedAppSettings<S, Stated> {
  const given = overrides as Readonly<Record<string, unknown>>;
  const always = new Set<string>(stated);
  const resolved: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(settings)) {
    const value = given[name] ?? (always.has(name) ? setting.default : undefined);
    if (value !== undefined) resolved[name] = value;
    else if (always.has(name))
      throw new Error(`${construct}: ${name} has no default in the contract; every environment must set it`);
  }
  return resolved as ResolvedAppSettings<S, Stated>;
}

/** The resolved values as container env values (plain strings). */
export function settingsEnvironment(
  values: Readonly<Record<string, unknown>>,
): Readonly<Record<string, kplus.EnvValue>> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, kplus.EnvValue.fromValue(String(value))]),
  );
}
