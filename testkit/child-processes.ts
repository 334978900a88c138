/**
 * The child processes a long-running command started (servers, apps), by PID, so that none
 * outlives it however it ends: a normal end, Ctrl-C or SIGTERM, an uncaught exception or an
 * unhandled rejection. The launchers record every child they spawn; a command that owns its
 * process calls `stopChildrenOnExit` once at its start. Only SIGKILL of the command itself (which
 * no handler sees) leaves children behind.
 */
import type { ChildProcess } from "node:child_process";

/** Live children by PID (a child leaves the set when it exits). */
const live = new Map<number, ChildProcess>();

/** Record `child` until it exits. */
export function trackChild(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  live.set(pid, child);
  child.once("exit", () => live.delete(pid));
}

/** PIDs of the recorded children still running. */
export function trackedChildPids(): number[] {
  return [...live.keys()];
}

/** SIGKILL every recorded child by PID, at once and synchronously (usable in an `exit` handler). */
export function killTrackedChildren(): void {
  for (const pid of live.keys()) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

/**
 * On every way out of this process, kill the children still recorded: at `exit` (a normal end,
 * `process.exit` from a signal handler), and on an uncaught exception or an unhandled rejection,
 * which are logged with `log` and end the process with exit code 1.
 */
export function stopChildrenOnExit(log: (line: string) => void): void {
  process.once("exit", killTrackedChildren);
  const crash = (what: string, error: unknown): void => {
    log(`${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    log("killing every process this run started");
    killTrackedChildren();
    process.exit(1);
  };
  process.on("uncaughtException", (error) => crash("crashed on an uncaught exception", error));
  process.on("unhandledRejection", (reason) => crash("crashed on an unhandled rejection", reason));
}
