/**
 * One environment variable of an app's contract: its type, default, range or choices, description,
 * example and whether it is secret. The envalid spec that parses it at start-up, the manifests'
 * env maps and docs/configuration.md are all derived from these objects.
 */
import { makeValidator, type ValidatorSpec } from "envalid";
import type { BrokerOptions } from "../../broker/options.js";

/** What a variable's value is, for parsing and for the docs. */
export type SettingType = "integer" | "number" | "string" | "token" | "http-url" | "choice";

/** What every setting states besides its type. */
export interface SettingInfo {
  /** What it does, one sentence (docs and the "is required" message). */
  readonly description: string;
  /** A valid value (docs and the "is required" message). */
  readonly example: string;
  /**
   * Its value is never printed (errors say "value hidden", logs redact it).
   * @default false
   */
  readonly secret?: boolean;
  /**
   * Its value is one or more URLs, which may carry a credential (`user:password@`): errors never
   * quote it (they name the entry by position) and logs print it without userinfo.
   * @default true for `httpUrl`, else false
   */
  readonly url?: boolean;
  /** How the default reads in the docs when it is computed at start-up (e.g. "hostname"). */
  readonly defaultNote?: string;
  /** The `BrokerOptions` field it fills (the mapping from the environment to the adapters). */
  readonly brokerOption?: keyof BrokerOptions;
}

/** A variable of the contract; `T` is its parsed type (`undefined` included when it may be unset). */
export interface Setting<T> extends SettingInfo {
  readonly type: SettingType;
  /** The default, or undefined: then the variable is required unless `optional`. */
  readonly default: T | undefined;
  /** Unset is valid and leaves it undefined. */
  readonly optional: boolean;
  /** No default and not optional: it must be set. */
  readonly required: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
  /** The envalid spec it is parsed with. */
  readonly spec: ValidatorSpec<T>;
}

/** A setting without a default: every environment (and every manifest) must set it. */
export type RequiredSetting<T> = Setting<T> & { readonly required: true };

/** A setting with a default. */
export type DefaultedSetting<T> = Setting<T> & { readonly default: T };

/** Any setting. */
export type AnySetting = Setting<unknown>;

/** The parsed value type of a setting. */
export type SettingValue<S> = S extends Setting<infer T> ? T : never;

function parseNumber(input: string): number {
  const trimmed = input.trim();
  const value = trimmed === "" ? Number.NaN : Number(trimmed);
  if (!Number.isFinite(value)) throw new Error(`"${input}" is not a number`);
  return value;
}

/** The range as the error messages and the docs say it. */
export function rangeText(setting: Pick<AnySetting, "type" | "min" | "max" | "choices">): string {
  if (setting.choices) return setting.choices.join(", ");
  if (setting.min === undefined) return "";
  const what = setting.type === "integer" ? "an integer" : "a number";
  return setting.max === undefined
    ? `${what} >= ${setting.min}`
    : `${what} from ${setting.min} to ${setting.max}`;
}

type Common<T> = SettingInfo & { readonly default?: T };
type Optional = { readonly optional: true };
type WithDefault<T> = { readonly default: T };

function build<T>(
  type: SettingType,
  props: Common<T> & { readonly optional?: boolean },
  parse: (input: string) => T,
  bounds: { min?: number; max?: number; choices?: readonly string[] } = {},
): Setting<T> {
  const optional = props.optional ?? false;
  const required = !optional && props.default === undefined;
  const base = { ...props, type, default: props.default, optional, required, ...bounds };
  const validator = makeValidator<T>(parse);
  const spec = validator({
    desc: props.description,
    example: props.example,
    ...(bounds.choices ? { choices: bounds.choices } : {}),
    ...(props.default !== undefined
      ? { default: props.default }
      : props.optional
        ? { default: undefined }
        : {}),
  } as never) as ValidatorSpec<T>;
  return Object.freeze({ ...base, spec });
}

/** An integer within [min, max]. */
export function integer(
  props: Common<number> & Optional & { min: number; max?: number },
): Setting<number | undefined>;
export function integer(
  props: Common<number> & WithDefault<number> & { min: number; max?: number },
): DefaultedSetting<number>;
export function integer(
  props: Common<number> & { min: number; max?: number; optional?: boolean },
): Setting<number | undefined> {
  const bounds = { min: props.min, ...(props.max === undefined ? {} : { max: props.max }) };
  return build(
    "integer",
    props,
    (input) => {
      const value = parseNumber(input);
      if (!Number.isSafeInteger(value) || value < props.min || value > (props.max ?? Number.MAX_SAFE_INTEGER))
        throw new Error(`"${input}" must be ${rangeText({ type: "integer", ...bounds })}`);
      return value;
    },
    bounds,
  );
}

/** A finite number >= min (fractions allowed). */
export function decimal(props: Common<number> & { min: number }): RequiredSetting<number>;
export function decimal(
  props: Common<number> & WithDefault<number> & { min: number },
): DefaultedSetting<number>;
export function decimal(props: Common<number> & { min: number }): Setting<number> {
  return build(
    "number",
    props,
    (input) => {
      const value = parseNumber(input);
      if (value < props.min) throw new Error(`"${input}" must be a number >= ${props.min}`);
      return value;
    },
    { min: props.min },
  );
}

/** A TCP port; 0 is allowed (an ephemeral port, for tests). */
export function tcpPort(props: Common<number> & WithDefault<number>): DefaultedSetting<number> {
  return build(
    "integer",
    props,
    (input) => {
      const value = parseNumber(input);
      if (!Number.isInteger(value) || value < 0 || value > 65_535)
        throw new Error(`"${input}" must be a TCP port from 0 to 65535`);
      return value;
    },
    { min: 0, max: 65_535 },
  ) as DefaultedSetting<number>;
}

/** Free text (checked, where needed, by the contract's rules). */
export function text(props: Common<string> & Optional): Setting<string | undefined>;
export function text(props: Common<string> & WithDefault<string>): DefaultedSetting<string>;
export function text(props: Common<string>): RequiredSetting<string>;
export function text(props: Common<string> & { optional?: boolean }): Setting<string | undefined> {
  return build("string", props, (input) => input);
}

/** A non-empty string without whitespace. */
export function token(props: Common<string> & Optional): Setting<string | undefined>;
export function token(props: Common<string> & WithDefault<string>): DefaultedSetting<string>;
export function token(props: Common<string> & { optional?: boolean }): Setting<string | undefined> {
  return build("token", props, (input) => {
    if (input.trim() === "" || /\s/.test(input))
      throw new Error(`"${input}" must be non-empty, without spaces`);
    return input;
  });
}

/**
 * One http(s) URL, or several comma-separated (one per node of a broker cluster); a trailing slash
 * of each is dropped.
 */
export function httpUrl(props: Common<string>): RequiredSetting<string> {
  return build("http-url", { url: true, ...props }, (input) => {
    const entries = input.split(",");
    return entries
      .map((entry, index) => {
        const url = entry.trim();
        const which = entryName(index, entries.length);
        let parsed: URL;
        try {
          parsed = new URL(url);
        } catch {
          throw new Error(`${which} is not a URL (expected e.g. http://127.0.0.1:8222)`);
        }
        if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
          throw new Error(`${which} must be an http:// or https:// URL`);
        return url.replace(/\/+$/, "");
      })
      .join(",");
  }) as RequiredSetting<string>;
}

/** An entry of a comma-separated list as an error names it, without quoting it (it may hold a credential). */
export function entryName(index: number, count: number): string {
  return count === 1 ? "the value" : `entry ${index + 1} of ${count}`;
}

/** One of `choices`. */
export function choice<C extends string>(
  props: Common<C> & WithDefault<C> & { choices: readonly C[] },
): DefaultedSetting<C> {
  // envalid checks the choices (and words the error as before).
  return build<C>("choice", props, (input) => input as C, { choices: props.choices }) as DefaultedSetting<C>;
}
