/**
 * `npm run local` leaves no process behind however it ends: the broker (nats-server), Prometheus,
 * the producer and the consumers are found by PID under the running local run (/proc), the run is
 * ended one way, and every one of those PIDs must be gone. Ways tested: an uncaught exception and
 * an unhandled rejection (raised inside the run by a preloaded fixture on SIGUSR2), SIGTERM, and
 * the normal end after --duration. Negative control: SIGKILL of the run itself, which no handler
 * sees, does leave its children running, so the survivor check can fail.
 *
 * Runs the apps already built in dist/ (--skip-build; `npm test` builds first).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { waitFor } from "../../../testkit/poll.js";
import { REPO_ROOT } from "../../../tooling/repo-root.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "fail-on-signal.mjs");
const CONSUMERS = 2;

interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly state: string;
  readonly command: string;
}

/** Every process on the machine from /proc (pid, parent, state, command line). */
function processes(): ProcessInfo[] {
  const list: ProcessInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid …; comm may hold spaces and parentheses: split after the last ')'.
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const command = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
      list.push({ pid: Number(entry), ppid: Number(ppid), state: state ?? "?", command });
    } catch {
      // Gone while reading.
    }
  }
  return list;
}

/** The descendants of `root`, at any depth. */
function descendants(root: number): ProcessInfo[] {
  const all = processes();
  const found: ProcessInfo[] = [];
  let frontier = [root];
  while (frontier.length > 0) {
    const children = all.filter((p) => frontier.includes(p.ppid));
    found.push(...children);
    frontier = children.map((p) => p.pid);
  }
  return found;
}

/** Alive: present and not a zombie (a killed child whose new parent has not reaped it is no longer running). */
function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0] !== "Z";
  } catch {
    return false;
  }
}

interface Started {
  readonly run: ChildProcess;
  readonly output: () => string;
  /** The processes the run started: broker, Prometheus, producer, consumers. */
  readonly children: ProcessInfo[];
}

/** Start the local run (fixed consumers, constant rate) and wait until every process it starts is up. */
async function startLocalRun(failure: string, extraArgs: readonly string[] = []): Promise<Started> {
  const run = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--import",
      FIXTURE,
      join(REPO_ROOT, "local", "main.ts"),
      "--skip-build",
      "--consumers",
      String(CONSUMERS),
      "--rate",
      "20",
      ...(extraArgs.length > 0 ? extraArgs : ["--duration", "600"]),
    ],
    {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0", LOCAL_RUN_TEST_FAILURE: failure },
    },
  );
  let output = "";
  run.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  run.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const pid = run.pid!;
  // Every process seen under the run since it started, by PID: a short run may end between two looks.
  const seen = new Map<number, ProcessInfo>();
  const children = await waitFor(
    "the local run's broker, Prometheus, producer and consumers",
    () => {
      for (const p of descendants(pid)) seen.set(p.pid, p);
      const found = [...seen.values()];
      const count = (pattern: RegExp) => found.filter((p) => pattern.test(p.command)).length;
      const complete =
        count(/nats-server/) === 1 &&
        count(/prometheus/) === 1 &&
        count(/dist\/apps\/producer\/main\.js/) === 1 &&
        count(/dist\/apps\/consumer\/main\.js/) === CONSUMERS;
      if (complete && output.includes("[local] work ")) return found;
      if (run.exitCode !== null)
        throw new Error(`the local run exited before all its processes were seen:\n${output}`);
      return undefined;
    },
    { timeoutMs: 90_000, intervalMs: 100 },
  );
  return { run, output: () => output, children };
}

async function exitOf(run: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (run.exitCode !== null || run.signalCode !== null) return { code: run.exitCode, signal: run.signalCode };
  const [code, signal] = (await once(run, "exit")) as [number | null, NodeJS.Signals | null];
  return { code, signal };
}

/** Wait until none of `pids` is running; the survivors' command lines when some still are at the deadline. */
async function survivorsAfter(children: readonly ProcessInfo[]): Promise<string[]> {
  const running = () => children.filter((p) => alive(p.pid));
  try {
    await waitFor("every child to be gone", () => running().length === 0, { timeoutMs: 15_000 });
  } catch {
    // Reported below.
  }
  return running().map((p) => `${p.pid} ${p.command}`);
}

describe("npm run local stops every process it started", () => {
  it.each([
    ["an uncaught exception", "exception", "crashed on an uncaught exception"],
    ["an unhandled rejection", "rejection", "crashed on an unhandled rejection"],
  ])(
    "on %s: exit 1, the error logged, no child left",
    async (_, failure, message) => {
      const { run, output, children } = await startLocalRun(failure);
      run.kill("SIGUSR2");
      const exit = await exitOf(run);
      expect(exit.code, output()).toBe(1);
      expect(output()).toContain(message);
      expect(output()).toContain(`deliberate`);
      expect(await survivorsAfter(children)).toEqual([]);
    },
    150_000,
  );

  it("on SIGTERM: an orderly stop with the summary, no child left", async () => {
    const { run, output, children } = await startLocalRun("exception");
    run.kill("SIGTERM");
    const exit = await exitOf(run);
    expect(exit.signal).toBeNull();
    expect(output()).toContain("summary");
    expect(await survivorsAfter(children)).toEqual([]);
  }, 150_000);

  it("at the normal end (--duration): the summary, exit 0, no child left", async () => {
    const { run, output, children } = await startLocalRun("exception", ["--duration", "30"]);
    const exit = await exitOf(run);
    expect(exit.code, output()).toBe(0);
    expect(output()).toContain("summary");
    expect(await survivorsAfter(children)).toEqual([]);
  }, 150_000);

  it("negative control: SIGKILL of the run itself leaves its children running (so the check can fail)", async () => {
    const { run, children } = await startLocalRun("sigkill");
    try {
      run.kill("SIGUSR2");
      const exit = await exitOf(run);
      expect(exit.signal).toBe("SIGKILL");
      expect(children.filter((p) => alive(p.pid)).length).toBeGreaterThan(0);
    } finally {
      for (const child of children)
        try {
          process.kill(child.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
    }
  }, 150_000);
});
