/** One invalid variable: its name and what is wrong (never its value when it is a secret). */
export interface ConfigProblem {
  readonly name: string;
  readonly message: string;
}

/** Thrown by `loadContract` (config/contract.ts) with EVERY bad variable listed in one message. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";

  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `invalid configuration (${problems.length} variable${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  ${p.name}: ${p.message}`).join("\n"),
    );
  }
}
