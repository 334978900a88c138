/**
 * An app's environment contract: its settings (./setting.ts), the rules across them (some only for
 * one BROKER), and retired variables that earn a pointed hint. `loadContract` validates an
 * environment once, at start-up, and throws one `ConfigError` naming every bad variable, never
 * printing a secret value.
 */
import { cleanEnv, EnvMissingError, type ValidatorSpec } from "envalid";
import type { BrokerKind } from "../../broker/port.js";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import type { AnySetting, SettingValue } from "./setting.js";

/** The environment as given: `process.env` in `main`, a plain object in tests. */
export type EnvInput = Readonly<Record<string, string | undefined>>;

/** Settings by variable name. */
export type Settings = Readonly<Record<string, AnySetting>>;

/** The parsed values of `S`. */
export type Values<S extends Settings> = { readonly [K in keyof S]: SettingValue<S[K]> };

/** A rule across variables, checked once each of them parsed. */
export interface ContractRule<S extends Settings> {
  /** The variables it reads; it runs only when all of them are valid on their own. */
  readonly variables: readonly (keyof S & string)[];
  /** Only checked with this BROKER. */
  readonly broker?: BrokerKind;
  /** The rule as docs/configuration.md states it. */
  readonly description: string;
  /** The problems (each naming its variable, the message naming the others), none when it holds. */
  readonly check: (values: Values<S>) => readonly ConfigProblem[];
}

export interface AppContract<S extends Settings> {
  readonly app: "producer" | "consumer";
  readonly settings: S;
  readonly rules: readonly ContractRule<S>[];
  /** Variables that are not read any more, with what to set instead; setting one is an error. */
  readonly retired: Readonly<Record<string, string>>;
}

/** Variable names of a contract. */
export type VariableOf<C> = C extends AppContract<infer S> ? keyof S & string : never;

/** Names of the secret settings. */
export function secretNames(settings: Settings): string[] {
  return Object.entries(settings)
    .filter(([, s]) => s.secret === true)
    .map(([name]) => name);
}

function describeSetting(setting: AnySetting): string {
  return ` (${setting.description}; e.g. ${setting.example})`;
}

/** Names of the settings whose values are URLs (which may carry a credential). */
export function urlNames(settings: Settings): string[] {
  return Object.entries(settings)
    .filter(([, s]) => s.url === true || s.type === "http-url")
    .map(([name]) => name);
}

/**
 * Replace every occurrence of the value of `names` in `text` (the whole value, each comma-separated
 * entry and each entry's userinfo, where at least 3 characters long).
 */
export function scrubSecrets(text: string, env: EnvInput, names: readonly string[]): string {
  let scrubbed = text;
  for (const name of names) {
    const value = env[name];
    if (value === undefined) continue;
    const entries = value.split(",").map((e) => e.trim());
    const userinfo = entries.flatMap((e) => {
      const at = e.lastIndexOf("@");
      return at > 0 ? [e.slice(0, at).replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, "")] : [];
    });
    for (const part of [value, ...entries, ...userinfo].sort((a, b) => b.length - a.length))
      if (part.length >= 3) scrubbed = scrubbed.split(part).join("***");
  }
  return scrubbed;
}

/**
 * Validate `env` against `contract`. Throws one `ConfigError` naming every bad variable (in the
 * contract's order); returns the parsed values, frozen, otherwise.
 */
export function loadContract<S extends Settings>(contract: AppContract<S>, env: EnvInput): Values<S> {
  const { settings } = contract;
  const secrets = secretNames(settings);
  const secret = new Set(secrets);
  // Never quoted in an error: secrets, and URLs (their userinfo is a credential).
  const unquotable = [...secrets, ...urlNames(settings)];
  const problems: ConfigProblem[] = [];
  for (const [name, hint] of Object.entries(contract.retired))
    if (env[name] !== undefined) problems.push({ name, message: hint });
  const specs = Object.fromEntries(Object.entries(settings).map(([name, s]) => [name, s.spec])) as Record<
    string,
    ValidatorSpec<unknown>
  >;
  const cleaned = cleanEnv(env, specs, {
    reporter: ({ errors }) => {
      for (const [name, error] of Object.entries(errors as Record<string, Error | undefined>)) {
        if (!error) continue;
        const setting = settings[name];
        if (error instanceof EnvMissingError) {
          problems.push({ name, message: `is required${setting ? describeSetting(setting) : ""}` });
        } else if (secret.has(name)) {
          problems.push({ name, message: "is invalid (value hidden)" });
        } else {
          problems.push({ name, message: error.message });
        }
      }
    },
  });
  const failed = new Set(problems.map((p) => p.name));
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(settings)) if (!failed.has(name)) values[name] = cleaned[name];
  const broker = values.BROKER as BrokerKind | undefined;
  for (const rule of contract.rules) {
    if (rule.variables.some((name) => failed.has(name))) continue;
    if (rule.broker !== undefined && (failed.has("BROKER") || rule.broker !== broker)) continue;
    problems.push(...rule.check(values as Values<S>));
  }
  if (problems.length > 0) {
    const order = [...Object.keys(contract.retired), ...Object.keys(settings)];
    problems.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    throw new ConfigError(
      problems.map((p) => ({ name: p.name, message: scrubSecrets(p.message, env, unquotable) })),
    );
  }
  return Object.freeze(values) as Values<S>;
}

/** The variables of `S` that have no default and are not optional: every environment sets them. */
export type RequiredVariable<S extends Settings> = {
  [K in keyof S]: S[K] extends { readonly required: true } ? K : never;
}[keyof S] &
  string;

/**
 * An environment map keyed by the contract's variables (e.g. cdk8s env values): a misspelt
 * variable, or a missing required one, fails type-checking.
 */
export type EnvMap<S extends Settings, V> = { readonly [K in RequiredVariable<S>]: V } & {
  readonly [K in Exclude<keyof S & string, RequiredVariable<S>>]?: V;
};
