/**
 * A real Prometheus (Debian's `prometheus`) on 127.0.0.1: a free port, a fresh storage
 * directory, the configuration written beside it, readiness taken from the server's own
 * "Server is ready to receive web requests." line, stopped by PID.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trackChild } from "../../testkit/child-processes.js";
import { ensureDebianTool, PROMETHEUS } from "../../testkit/debian-tools.js";
import { freePort } from "../../testkit/nats-server.js";

export interface PrometheusServerProps {
  /** prometheus.yml text; `{{dir}}` is replaced by the server's directory (for rule and SD files). */
  readonly config: (dir: string) => string;
  /** Where the server's log goes. @default `<dir>/prometheus.log` */
  readonly logFile?: string;
  /** Write the files the configuration names (rules, SD) into `dir` before the server starts. */
  readonly beforeStart?: (dir: string) => Promise<void>;
}

/** The line Prometheus 2.x logs once its web API serves queries (web/web.go, `Run`). */
const READY_LINE = "Server is ready to receive web requests.";
const START_TIMEOUT_MS = 30_000;

export class PrometheusServer {
  private constructor(
    readonly port: number,
    /** Holds prometheus.yml, the storage (`data/`) and any rule or SD file the caller writes. */
    readonly dir: string,
    private readonly child: ChildProcess,
  ) {}

  /** Base URL, e.g. `http://127.0.0.1:9090`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error("prometheus has no pid");
    return this.child.pid;
  }

  static async start(
    props: PrometheusServerProps,
    log: (line: string) => void = () => {},
  ): Promise<PrometheusServer> {
    const binary = ensureDebianTool(PROMETHEUS, log);
    const dir = await mkdtemp(join(tmpdir(), "prometheus-"));
    const port = await freePort();
    const configFile = join(dir, "prometheus.yml");
    await writeFile(configFile, props.config(dir));
    await props.beforeStart?.(dir);
    const child = spawn(
      binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // Samples of a few minutes: keep nothing longer than the run needs.
        "--storage.tsdb.retention.time=1d",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    trackChild(child);
    const out = createWriteStream(props.logFile ?? join(dir, "prometheus.log"));
    let text = "";
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        text += chunk.toString();
        if (text.includes(READY_LINE)) {
          child.stderr?.off("data", onData);
          resolve();
        }
      };
      child.stderr?.on("data", onData);
      child.once("exit", (code, signal) =>
        reject(
          new Error(`prometheus exited before ready (code ${code}, signal ${signal}):\n${text.slice(-2000)}`),
        ),
      );
      child.once("error", reject);
    });
    child.stderr?.pipe(out);
    const timeout = setTimeout(() => child.kill("SIGKILL"), START_TIMEOUT_MS);
    try {
      await ready;
    } finally {
      clearTimeout(timeout);
    }
    return new PrometheusServer(port, dir, child);
  }

  /** An instant or range query through the HTTP API; the `data` of a successful answer. */
  async api<T>(path: string, params: Record<string, string | number> = {}): Promise<T> {
    const query = new URLSearchParams(
      Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
    );
    const response = await fetch(`${this.url}${path}?${query}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`prometheus ${path}: ${body.error ?? response.status}`);
    return body.data;
  }

  /** SIGTERM by PID, wait for the exit, remove the directory. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, "exit");
      process.kill(this.pid, "SIGTERM");
      const kill = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(kill);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
