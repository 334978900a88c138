/**
 * The one flag parser of the repository's scripts (node:util parseArgs, strict): `--help` / `-h`
 * prints the usage and exits 0 before any work; an unknown flag, a missing flag value or a stray
 * argument prints the problem and the usage and exits 2. Commands throw `CliExit`; `runCli` turns
 * it (and any other error, exit 1) into output and the exit code, so command functions stay
 * testable without touching process state.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

type ParseArgsOption = NonNullable<ParseArgsConfig["options"]>[string];

/** A flag: parseArgs' descriptor plus the line `--help` prints for it. */
export type CliOption = ParseArgsOption & {
  /** What the flag does, one line. */
  readonly help: string;
  /** Name of the value in the usage, for string flags. @default "value" */
  readonly valueName?: string;
};

export interface CliSpec<T extends Record<string, CliOption>> {
  /** The synopsis, e.g. `npm run set-rate -- --env <env> --rate <msg/s> [--dry-run]`. */
  readonly usage: string;
  /** What the command does, a sentence or two. */
  readonly description: string;
  readonly options: T;
  /** Accept positional arguments (otherwise one is a usage error). @default false */
  readonly allowPositionals?: boolean;
}

/** A request to end the command with `code`, printing `message` (stdout for 0, stderr otherwise). */
export class CliExit extends Error {
  constructor(
    readonly code: 0 | 2,
    message: string,
  ) {
    super(message);
    this.name = "CliExit";
  }
}

/** The text `--help` prints. */
export function usageText(spec: CliSpec<Record<string, CliOption>>): string {
  const rows: [string, string][] = Object.entries(spec.options).map(([name, option]) => [
    `${option.short === undefined ? "    " : `-${option.short}, `}--${name}${
      option.type === "string" ? ` <${option.valueName ?? "value"}>` : ""
    }`,
    `${option.help}${option.multiple === true ? " (repeatable)" : ""}`,
  ]);
  rows.push(["-h, --help", "print this help and exit"]);
  const width = Math.max(...rows.map(([flags]) => flags.length));
  return [
    `Usage: ${spec.usage}`,
    "",
    spec.description,
    "",
    "Options:",
    ...rows.map(([flags, help]) => `  ${flags.padEnd(width)}  ${help}`),
  ].join("\n");
}

/** A bad flag value found after parsing: `message` (naming the flag and the value) and the usage, exit 2. */
export function usageError(spec: CliSpec<Record<string, CliOption>>, message: string): CliExit {
  return new CliExit(2, `${message}\n\n${usageText(spec)}`);
}

/** Parse `argv` by `spec`; throws CliExit for `--help` (0) and for usage errors (2). */
export function parseCli<T extends Record<string, CliOption>>(spec: CliSpec<T>, argv: readonly string[]) {
  const end = argv.indexOf("--");
  const flags = end === -1 ? argv : argv.slice(0, end);
  if (flags.includes("--help") || flags.includes("-h")) throw new CliExit(0, usageText(spec));
  try {
    return parseArgs({
      args: [...argv],
      options: spec.options,
      strict: true,
      allowPositionals: spec.allowPositionals ?? false,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (!code.startsWith("ERR_PARSE_ARGS_")) throw error;
    throw new CliExit(2, `${(error as Error).message}\n\n${usageText(spec)}`);
  }
}

/**
 * Run a script's main: its returned number (or 0) becomes the exit code; a CliExit prints its
 * message (usage) with its code; any other error prints `<name>: <message>` and exits 1.
 */
export function runCli(name: string, main: () => number | void | Promise<number | void>): void {
  Promise.resolve()
    .then(main)
    .then(
      (code) => {
        process.exitCode = code ?? 0;
      },
      (error: unknown) => {
        if (error instanceof CliExit) {
          (error.code === 0 ? process.stdout : process.stderr).write(`${error.message}\n`);
          process.exitCode = error.code;
          return;
        }
        console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = 1;
      },
    );
}

/**
 * For a main that owns its process (a long-running command with its own stop handling, which
 * `runCli` cannot wrap): run `parse`; a CliExit prints its message and exits with its code at once.
 */
export function parsedOrExit<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof CliExit)) throw error;
    (error.code === 0 ? process.stdout : process.stderr).write(`${error.message}\n`);
    process.exit(error.code);
  }
}
