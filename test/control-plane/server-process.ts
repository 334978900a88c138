// One long-running server process of the control plane (etcd, kube-apiserver, ...): its output goes to a log
// file, an early exit fails whoever waits for it with the log's tail, and it is stopped by its own PID.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { openSync, readFileSync, closeSync } from "node:fs";

export class ServerProcess {
  private exited = false;

  private constructor(
    /** What it is, for messages (e.g. "etcd"). */
    readonly name: string,
    /** Where its stdout and stderr go. */
    readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    child.once("exit", () => {
      this.exited = true;
    });
  }

  /** Spawns `command args` with output appended to `logFile`. */
  static start(
    name: string,
    command: string,
    args: readonly string[],
    logFile: string,
    env: NodeJS.ProcessEnv = process.env,
  ): ServerProcess {
    const fd = openSync(logFile, "a");
    try {
      const child = spawn(command, args, { stdio: ["ignore", fd, fd], env });
      return new ServerProcess(name, logFile, child);
    } finally {
      closeSync(fd);
    }
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid`);
    return this.child.pid;
  }

  get running(): boolean {
    return !this.exited && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last `chars` characters of its log. */
  logTail(chars = 3000): string {
    return readFileSync(this.logFile, "utf8").slice(-chars);
  }

  /** Throws with the log tail when the process has exited (for readiness polls). */
  assertRunning(): void {
    if (!this.running)
      throw new Error(
        `${this.name} exited (code ${this.child.exitCode}, signal ${this.child.signalCode}):\n${this.logTail()}`,
      );
  }

  /** SIGTERM to its PID; SIGKILL when it has not exited after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    const exited = once(this.child, "exit");
    process.kill(this.pid, "SIGTERM");
    const timer = setTimeout(() => {
      if (this.running) process.kill(this.pid, "SIGKILL");
    }, graceMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Polls `probe` every 200 ms until it returns true; fails at once with the log tail when the process exits,
 * and after `timeoutMs` with the last probe error.
 */
export async function waitUntilReady(
  server: ServerProcess,
  probe: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let lastError = "";
  for (;;) {
    server.assertRunning();
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (performance.now() > deadline)
      throw new Error(`${server.name} not ready after ${timeoutMs} ms (${lastError}):\n${server.logTail()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
