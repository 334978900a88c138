/**
 * One app process of the local run: `node dist/apps/<app>/main.js` in its own process group (so
 * Ctrl-C reaches only the local run, which then stops the apps in order), logs to a file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { AppEnv, AppName } from "../testkit/app-env.js";
import { trackChild } from "../testkit/child-processes.js";
import { MetricSet } from "../testkit/metrics-text.js";
import { REPO_ROOT } from "../tooling/repo-root.js";

/** How a process ended. */
export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class AppChild {
  /** The exit code (null when ended by a signal). */
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly httpPort: number,
    readonly logFile: string,
    private readonly child: ChildProcess,
    /** Code and signal of the exit. */
    readonly exit: Promise<ChildExit>,
  ) {
    this.exited = exit.then((e) => e.code);
  }

  static start<A extends AppName>(
    app: A,
    name: string,
    env: AppEnv<A>,
    httpPort: number,
    logDir: string,
  ): AppChild {
    const logFile = join(logDir, `${name}.log`);
    const out = createWriteStream(logFile);
    const child = spawn(process.execPath, [join(REPO_ROOT, "dist", "apps", app, "main.js")], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        ...env,
        INSTANCE_ID: name,
        HTTP_PORT: String(httpPort),
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    trackChild(child);
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
    const exit = once(child, "exit").then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
    return new AppChild(name, httpPort, logFile, child, exit);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM and wait for the exit code (SIGKILL after `timeoutMs`). */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    if (!this.running) return this.exited;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Send `signal` if still running. */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  kill(): void {
    if (this.running) this.child.kill("SIGKILL");
  }

  /** An HTTP probe as the kubelet makes it: success on a status from 200 to 399 within `timeoutMs`. */
  async probe(path: string, timeoutMs: number): Promise<boolean> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.httpPort}${path}`, {
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel();
      return response.status >= 200 && response.status < 400;
    } catch {
      return false;
    }
  }

  async metrics(): Promise<MetricSet | undefined> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.httpPort}/metrics`, {
        signal: AbortSignal.timeout(2_000),
      });
      return MetricSet.parse(await response.text());
    } catch {
      return undefined;
    }
  }

  /** The last JSON log line whose msg is `msg`. */
  async lastLog(msg: string): Promise<Record<string, unknown> | undefined> {
    const text = await readFile(this.logFile, "utf8").catch(() => "");
    let found: Record<string, unknown> | undefined;
    for (const line of text.split("\n")) {
      if (!line.startsWith("{")) continue;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.msg === msg) found = parsed;
      } catch {
        // partial line
      }
    }
    return found;
  }
}
