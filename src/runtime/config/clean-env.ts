/**
 * envalid with a reporter that collects every problem (never printing a secret value), plus
 * cross-field checks, thrown together as one `ConfigError`.
 */
import { cleanEnv, EnvMissingError, type ValidatorSpec } from "envalid";
import { ConfigError, type ConfigProblem } from "./config-error.js";

/** The environment as given: `process.env` in `main`, a plain object in tests. */
export type EnvInput = Readonly<Record<string, string | undefined>>;

export interface CleanEnvOptions<T> {
  /** Names whose values must never appear in an error or a log. */
  readonly secrets: readonly string[];
  /** Checks across variables, run on the values that parsed; return one problem per bad name. */
  readonly check?: (values: Partial<T>) => readonly ConfigProblem[];
}

type Specs = Record<string, ValidatorSpec<unknown>>;
type Output<S extends Specs> = {
  readonly [K in keyof S]: S[K] extends ValidatorSpec<infer U> ? U : never;
};

function describeSpec(spec: ValidatorSpec<unknown>): string {
  const parts: string[] = [];
  if (spec.desc) parts.push(spec.desc);
  if (spec.example) parts.push(`e.g. ${spec.example}`);
  return parts.length > 0 ? ` (${parts.join("; ")})` : "";
}

/** Replace every occurrence of a secret value (at least 3 characters) in `text`. */
export function scrubSecrets(text: string, env: EnvInput, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const name of secrets) {
    const value = env[name];
    if (value !== undefined && value.length >= 3) scrubbed = scrubbed.split(value).join("***");
  }
  return scrubbed;
}

/**
 * Validate `env` against `specs`. Throws one `ConfigError` naming every bad variable; returns
 * a plain frozen object otherwise.
 */
export function cleanEnvStrict<S extends Specs>(
  env: EnvInput,
  specs: S,
  options: CleanEnvOptions<Output<S>>,
): Output<S> {
  const problems: ConfigProblem[] = [];
  const secret = new Set(options.secrets);
  const cleaned = cleanEnv(env, specs, {
    reporter: ({ errors }) => {
      for (const [name, error] of Object.entries(errors as Record<string, Error | undefined>)) {
        if (!error) continue;
        const spec = specs[name];
        if (error instanceof EnvMissingError) {
          problems.push({ name, message: `is required${spec ? describeSpec(spec) : ""}` });
        } else if (secret.has(name)) {
          problems.push({ name, message: "is invalid (value hidden)" });
        } else {
          problems.push({ name, message: error.message });
        }
      }
    },
  });
  const values: Record<string, unknown> = {};
  const failed = new Set(problems.map((p) => p.name));
  for (const name of Object.keys(specs)) if (!failed.has(name)) values[name] = cleaned[name];
  if (options.check) problems.push(...options.check(values as Partial<Output<S>>));
  if (problems.length > 0) {
    const order = Object.keys(specs);
    problems.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    throw new ConfigError(
      problems.map((p) => ({ name: p.name, message: scrubSecrets(p.message, env, options.secrets) })),
    );
  }
  return Object.freeze(values) as Output<S>;
}
