/**
 * Child processes under measurement: the apps (`node dist/apps/<app>/main.js`) and the raw baseline
 * workers (`node --import tsx bench/baselines/raw-<role>.ts`), each with its own env, stopped by PID,
 * and read for peak RSS from /proc before they exit.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { AppVariables } from "../../testkit/app-env.js";
import { repoRoot } from "./paths.js";

/** Interval of the VmHWM samples. */
const RSS_SAMPLE_MS = 100;

/** PIDs of every live child the bench started (apps, workers, brokers), for an emergency stop. */
const liveChildren = new Set<number>();

/** Track a child until it exits. */
export function trackChild(pid: number): void {
  liveChildren.add(pid);
}
export function untrackChild(pid: number): void {
  liveChildren.delete(pid);
}

/** SIGKILL every tracked child (when the bench itself is interrupted). */
export function killAllChildren(): void {
  for (const pid of liveChildren) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  liveChildren.clear();
}

/** Which program a process runs. */
export type Role = "producer" | "consumer";
export type Implementation = "app" | "raw";

/** Path of a built app's entry point. */
export function appEntry(role: Role): string {
  return join(repoRoot, "dist", "apps", role, "main.js");
}

/** Where the raw baseline workers are compiled to (inside the repository so `node_modules` resolves; gitignored). */
const BASELINE_OUT = join(repoRoot, ".tmp", "bench-baselines");

/** Path of a compiled raw baseline worker. */
export function baselineEntry(role: Role): string {
  return join(BASELINE_OUT, "bench", "baselines", `raw-${role}.js`);
}

/**
 * Compile the raw baseline workers with tsc to plain JavaScript, so that they run under bare `node`
 * exactly like the built apps (no TypeScript loader skewing their memory or start-up).
 */
export function compileBaselines(): void {
  const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  const sources = (["producer", "consumer"] as const).map((role) =>
    join(repoRoot, "bench", "baselines", `raw-${role}.ts`),
  );
  const result = spawnSync(
    process.execPath,
    [
      tsc,
      ...["--outDir", BASELINE_OUT, "--rootDir", repoRoot],
      ...["--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022"],
      ...["--strict", "--skipLibCheck", "--types", "node", "--declaration", "false"],
      ...sources,
    ],
    { cwd: repoRoot, encoding: "utf8" },
  );
  if (result.status !== 0)
    throw new Error(
      `compiling the raw baselines failed (exit ${result.status}):\n${result.stdout}${result.stderr}`,
    );
}

/** Throws with the command to run when `npm run build` has not produced the apps. */
export function assertAppsBuilt(): void {
  const missing = (["producer", "consumer"] as const).map(appEntry).filter((p) => !existsSync(p));
  if (missing.length > 0)
    throw new Error(`apps not built (missing ${missing.join(", ")}): run \`npm run build\` first`);
}

/** A running measured process. */
export class MeasuredProcess {
  private output = "";
  private readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;
  private readonly lineWaiters: { pattern: RegExp; resolve: () => void }[] = [];
  private peakRss: number | undefined;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    /** `process.hrtime` (ms) just before spawn. */
    readonly spawnedAt: number,
  ) {
    const onData = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-16_384);
      for (const waiter of [...this.lineWaiters]) {
        if (waiter.pattern.test(this.output)) {
          this.lineWaiters.splice(this.lineWaiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    // VmHWM is gone once the process exits (a producer with MESSAGE_LIMIT may exit by itself): sample it.
    const rssTimer = setInterval(() => void this.readRss(), RSS_SAMPLE_MS);
    rssTimer.unref();
    if (child.pid !== undefined) trackChild(child.pid);
    this.exited = once(child, "exit").then(([code]) => {
      clearInterval(rssTimer);
      if (child.pid !== undefined) untrackChild(child.pid);
      this.exitCode = code as number | null;
      return this.exitCode;
    });
  }

  /** Spawn `node <args>` in the repository root with `env` on top of a minimal environment. */
  static start(
    name: string,
    args: readonly string[],
    env: Readonly<Record<string, string | undefined>>,
  ): MeasuredProcess {
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, [...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new MeasuredProcess(name, child, spawnedAt);
  }

  /** Start a built app. */
  static app<R extends Role>(role: R, env: AppVariables<R>): MeasuredProcess {
    return MeasuredProcess.start(`app ${role}`, [appEntry(role)], env);
  }

  /** Start a raw baseline worker (compiled by `compileBaselines`). */
  static raw(role: Role, env: Readonly<Record<string, string>>): MeasuredProcess {
    return MeasuredProcess.start(`raw ${role}`, [baselineEntry(role)], env);
  }

  get pid(): number {
    const pid = this.child.pid;
    if (pid === undefined) throw new Error(`${this.name} did not start`);
    return pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** Last output lines, for error messages. */
  tail(lines = 15): string {
    return this.output.split("\n").slice(-lines).join("\n");
  }

  /** Resolves when the output matches `pattern`; rejects if the process exits first or after `timeoutMs`. */
  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    if (pattern.test(this.output)) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve) => this.lineWaiters.push({ pattern, resolve })),
        this.exited.then((code) => {
          throw new Error(`${this.name} exited (code ${code}) before printing ${pattern}:\n${this.tail()}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(new Error(`${this.name} printed no ${pattern} within ${timeoutMs} ms:\n${this.tail()}`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Peak resident set size (VmHWM) in bytes: read now if still running, else the last sample. */
  async peakRssBytes(): Promise<number | undefined> {
    await this.readRss();
    return this.peakRss;
  }

  private async readRss(): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    try {
      const status = await readFile(`/proc/${this.child.pid}/status`, "utf8");
      const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
      if (match) this.peakRss = Math.max(this.peakRss ?? 0, Number(match[1]) * 1024);
    } catch {
      // exited between the check and the read
    }
  }

  /** Resolves with the exit code when the process ends by itself; rejects after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${this.name} did not exit within ${timeoutMs} ms:\n${this.tail()}`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL; resolves once the process has exited. */
  async kill(): Promise<void> {
    if (!this.running) return;
    process.kill(this.pid, "SIGKILL");
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed). */
  async stop(graceMs = 25_000): Promise<number | null> {
    if (!this.running) return this.exitCode ?? null;
    process.kill(this.pid, "SIGTERM");
    const timer = setTimeout(() => {
      if (this.running) process.kill(this.pid, "SIGKILL");
    }, graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
