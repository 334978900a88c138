/**
 * The commands the kind path runs, as data: each is printed by `--dry-run` and run by the real
 * shell, so the dry-run output is exactly what would run.
 */
import { spawn } from "node:child_process";

/** One external command. */
export interface Command {
  readonly argv: readonly string[];
  /** Extra environment (e.g. KIND_EXPERIMENTAL_PROVIDER=podman). */
  readonly env?: Readonly<Record<string, string>>;
  /** Text written to the command's stdin (e.g. a manifest for `kubectl apply -f -`). */
  readonly stdin?: string;
  /** What the step is for, printed above it. */
  readonly why: string;
  /** Capture stdout for a decision instead of passing it to the terminal. */
  readonly capture?: boolean;
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
}

/** Runs commands; the dry-run one prints them and answers as if each succeeded with no output. */
export interface Shell {
  readonly dryRun: boolean;
  run(command: Command): Promise<CommandResult>;
}

/** POSIX shell quoting of one word (left bare when it has no special characters). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The command as a person would type it. */
export function formatCommand(command: Command): string {
  const env = Object.entries(command.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const line = [...env, ...command.argv.map(shellQuote)].join(" ");
  return command.stdin === undefined ? line : `${line} <<'EOF'\n${command.stdin.trimEnd()}\nEOF`;
}

/** Prints `# why` and `$ command` for every command and runs nothing. */
export function dryRunShell(log: (line: string) => void): Shell {
  return {
    dryRun: true,
    run: (command) => {
      log(`# ${command.why}`);
      log(`$ ${formatCommand(command)}`);
      return Promise.resolve({ code: 0, stdout: "" });
    },
  };
}

/** Runs each command; stderr (and stdout unless captured) go to the terminal. */
export function processShell(log: (line: string) => void, baseEnv: NodeJS.ProcessEnv = process.env): Shell {
  return {
    dryRun: false,
    run: (command) =>
      new Promise((resolve, reject) => {
        if (command.capture !== true) log(`$ ${formatCommand({ ...command, stdin: undefined })}`);
        const [file, ...args] = command.argv;
        const child = spawn(file ?? "", args, {
          env: { ...baseEnv, ...command.env },
          stdio: [
            command.stdin === undefined ? "ignore" : "pipe",
            command.capture ? "pipe" : "inherit",
            "inherit",
          ],
        });
        let stdout = "";
        child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code: code ?? 1, stdout }));
        if (command.stdin !== undefined) child.stdin?.end(command.stdin);
      }),
  };
}

/** Run and fail on a non-zero exit, naming the step. */
export async function runChecked(shell: Shell, command: Command): Promise<string> {
  const result = await shell.run(command);
  if (result.code !== 0)
    throw new Error(
      `${command.why}: \`${formatCommand({ ...command, stdin: undefined })}\` exited ${result.code}`,
    );
  return result.stdout;
}
