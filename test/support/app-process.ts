/**
 * A producer or consumer run as a real process (`node dist/apps/<app>/main.js`) with an explicit
 * environment (never the test's own), its stdout JSON log lines and stderr captured, and its
 * HTTP endpoint on a free port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./nats-server.js";
import { MetricSet } from "./metrics-text.js";
import { waitFor } from "../../testkit/poll.js";

export type AppName = "producer" | "consumer";

export interface AppExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Milliseconds since `start`. */
  readonly atMs: number;
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Path of an app's compiled entry point; throws when `npm run build` has not run. */
export function appEntry(app: AppName): string {
  const entry = join(ROOT, "dist", "apps", app, "main.js");
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" first`);
  return entry;
}

export class AppProcess {
  private static readonly running = new Set<AppProcess>();
  readonly exited: Promise<AppExit>;
  private stdoutText = "";
  private stderrText = "";
  private readonly startedAt = performance.now();

  private constructor(
    readonly app: AppName,
    readonly name: string,
    readonly httpPort: number,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (this.stdoutText += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (this.stderrText += chunk));
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        AppProcess.running.delete(this);
        resolve({ code, signal, atMs: performance.now() - this.startedAt });
      }),
    );
    AppProcess.running.add(this);
  }

  /** Start `app` with exactly `env` (plus PATH) and `args`; HTTP_PORT and INSTANCE_ID are filled in when absent. */
  static async start(
    app: AppName,
    env: Record<string, string>,
    name: string = app,
    args: readonly string[] = [],
  ): Promise<AppProcess> {
    const httpPort = env.HTTP_PORT !== undefined ? Number(env.HTTP_PORT) : await freePort();
    const child = spawn(process.execPath, [appEntry(app), ...args], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        INSTANCE_ID: name,
        LOG_LEVEL: "info",
        ...env,
        HTTP_PORT: String(httpPort),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new AppProcess(app, name, httpPort, child);
  }

  /** SIGKILL every process still running (test clean-up). */
  static async killAll(): Promise<void> {
    await Promise.all([...AppProcess.running].map((p) => p.kill("SIGKILL")));
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid`);
    return this.child.pid;
  }

  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  get isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** JSON log lines of stdout. */
  logs(): Record<string, unknown>[] {
    return this.stdoutText
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
  }

  /** The last log line whose `msg` is `msg`. */
  lastLog(msg: string): Record<string, unknown> | undefined {
    return this.logs()
      .filter((l) => l.msg === msg)
      .at(-1);
  }

  signal(signal: NodeJS.Signals): void {
    if (this.isRunning) process.kill(this.pid, signal);
  }

  /** Send `signal` and wait for the exit. */
  async kill(signal: NodeJS.Signals = "SIGTERM"): Promise<AppExit> {
    this.signal(signal);
    return this.exited;
  }

  async metrics(): Promise<MetricSet> {
    const response = await fetch(`http://127.0.0.1:${this.httpPort}/metrics`, {
      signal: AbortSignal.timeout(5_000),
    });
    return MetricSet.parse(await response.text());
  }

  async readyStatus(): Promise<number> {
    const response = await fetch(`http://127.0.0.1:${this.httpPort}/readyz`, {
      signal: AbortSignal.timeout(5_000),
    });
    return response.status;
  }

  /** Wait until /readyz answers 200 (fails early when the process exits). */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `${this.name} ready`,
      async () => {
        if (!this.isRunning)
          throw new Error(`${this.name} exited:\n${this.stderrText}\n${this.stdoutText.slice(-2000)}`);
        return (await this.readyStatus()) === 200;
      },
      { timeoutMs, intervalMs: 100 },
    ).catch((error: Error) => {
      throw new Error(
        `${error.message}\nstderr:\n${this.stderrText}\nstdout tail:\n${this.stdoutText.slice(-2000)}`,
      );
    });
  }
}
