/**
 * Where `npm run seal` takes the plaintext credentials from: environment variables (names
 * configurable) or `KEY=value` lines on stdin — never from the command line, where they would
 * end up in shell history and in the process list.
 */

/** How to find each credential. */
export interface CredentialSourceOptions {
  /** Keys to produce, e.g. `["BROKER_USERNAME", "BROKER_PASSWORD"]`. */
  readonly keys: readonly string[];
  /**
   * Environment variable to read per key.
   * @default the key itself (BROKER_USERNAME is read from $BROKER_USERNAME)
   */
  readonly fromEnv?: Readonly<Record<string, string>>;
  /** The environment to read (passed in, never `process.env` implicitly). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * Text read from stdin (`--stdin`): `KEY=value` lines; blank lines and `#` comments ignored.
   * When given, only stdin is used.
   */
  readonly stdin?: string;
}

/** Parse `KEY=value` lines (the value is everything after the first `=`, kept verbatim). */
export function parseKeyValueLines(text: string): Map<string, string> {
  const values = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "" || line.trimStart().startsWith("#")) return;
    const eq = line.indexOf("=");
    if (eq <= 0) throw new Error(`stdin line ${index + 1}: expected KEY=value`);
    values.set(line.slice(0, eq).trim(), line.slice(eq + 1));
  });
  return values;
}

/** Collect every key's value; an error names each missing key and where it was looked for. */
export function readCredentials(options: CredentialSourceOptions): Record<string, string> {
  const fromStdin = options.stdin === undefined ? undefined : parseKeyValueLines(options.stdin);
  const result: Record<string, string> = {};
  const missing: string[] = [];
  for (const key of options.keys) {
    if (fromStdin !== undefined) {
      const value = fromStdin.get(key);
      if (value === undefined || value === "") missing.push(`${key} (stdin line ${key}=...)`);
      else result[key] = value;
      continue;
    }
    const variable = options.fromEnv?.[key] ?? key;
    const value = options.env[variable];
    if (value === undefined || value === "") missing.push(`${key} (environment variable ${variable})`);
    else result[key] = value;
  }
  if (missing.length > 0) throw new Error(`missing or empty credential: ${missing.join(", ")}`);
  return result;
}
