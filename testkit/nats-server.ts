/**
 * Start and stop a real `nats-server` with JetStream on 127.0.0.1: free ports, a fresh store
 * directory, readiness taken from the server's own "Server is ready" line, stopped by PID.
 * Used by the local run and by the integration tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CommonVariables } from "./app-env.js";
import { trackChild } from "./child-processes.js";
import { resolveToolBinary } from "./tool-cache.js";

export interface NatsServerOptions {
  /** Extra configuration text appended to the generated config (e.g. accounts). */
  readonly extraConfig?: string;
  /** Environment variables of the server process, which the configuration may refer to as `$NAME`. @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** Store directory to reuse (for restarts); a fresh temporary one by default. */
  readonly storeDir?: string;
  /** Ports to reuse (for restarts); free ports by default. */
  readonly port?: number;
  readonly monitorPort?: number;
  /** Max payload in bytes (server default 1 MiB). */
  readonly maxPayload?: number;
  /** Where the server log goes; kept in the store's parent directory by default. */
  readonly logFile?: string;
}

/** What the apps need to use NATS at `endpoint` (one server, or a cluster's comma-separated lists). */
export function natsAppEnv(endpoint: {
  readonly url: string;
  readonly monitorUrl: string;
}): CommonVariables<"BROKER" | "BROKER_URL" | "BROKER_MONITOR_URL" | "BROKER_ACCOUNT"> {
  return {
    BROKER: "nats",
    BROKER_URL: endpoint.url,
    BROKER_MONITOR_URL: endpoint.monitorUrl,
    BROKER_ACCOUNT: "$G",
  };
}

/** Find a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/**
 * Path of `nats-server`: the cached build of the version `NATS_SERVER_VERSION` names, or the one on
 * PATH (Debian's package, installed when missing and allowed).
 */
export function ensureNatsServerBinary(log: (line: string) => void = () => {}): string {
  return resolveToolBinary("nats-server", process.env, log);
}

/** A running nats-server. */
export class NatsServer {
  private constructor(
    readonly port: number,
    readonly monitorPort: number,
    readonly storeDir: string,
    private readonly options: NatsServerOptions,
    private child: ChildProcess,
    private readonly ownsStore: boolean,
  ) {}

  /** Client URL, e.g. `nats://127.0.0.1:4222`. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }
  /** Monitoring base URL, e.g. `http://127.0.0.1:8222`. */
  get monitorUrl(): string {
    return `http://127.0.0.1:${this.monitorPort}`;
  }
  /** What the apps need to use this server: `BROKER=nats`, the URLs and the monitoring account. */
  get appEnv(): CommonVariables<"BROKER" | "BROKER_URL" | "BROKER_MONITOR_URL" | "BROKER_ACCOUNT"> {
    return natsAppEnv(this);
  }
  /** Whether the process has not exited (a paused one still runs). */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  get pid(): number {
    if (this.child.pid === undefined) throw new Error("nats-server has no pid");
    return this.child.pid;
  }

  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    const binary = ensureNatsServerBinary();
    const ownsStore = options.storeDir === undefined;
    const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), "nats-store-")));
    const port = options.port ?? (await freePort());
    const monitorPort = options.monitorPort ?? (await freePort());
    const child = await NatsServer.spawnServer(binary, port, monitorPort, storeDir, options);
    return new NatsServer(port, monitorPort, storeDir, options, child, ownsStore);
  }

  private static async spawnServer(
    binary: string,
    port: number,
    monitorPort: number,
    storeDir: string,
    options: NatsServerOptions,
  ): Promise<ChildProcess> {
    const configFile = join(storeDir, "nats-server.conf");
    const config = [
      `host: 127.0.0.1`,
      `port: ${port}`,
      `http: "127.0.0.1:${monitorPort}"`,
      `max_payload: ${options.maxPayload ?? 1024 * 1024}`,
      `jetstream { store_dir: ${JSON.stringify(join(storeDir, "js"))} }`,
      options.extraConfig ?? "",
    ].join("\n");
    await writeFile(configFile, config);
    const child = spawn(binary, ["-c", configFile], {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, ...options.env },
    });
    trackChild(child);
    let log = "";
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        log += chunk.toString();
        if (log.includes("Server is ready")) {
          child.stderr?.off("data", onData);
          child.stderr?.resume();
          resolve();
        }
      };
      child.stderr?.on("data", onData);
      child.once("exit", (code, signal) =>
        reject(new Error(`nats-server exited before ready (code ${code}, signal ${signal}):\n${log}`)),
      );
      child.once("error", reject);
    });
    const timeout = setTimeout(() => child.kill("SIGKILL"), 15_000);
    try {
      await ready;
    } finally {
      clearTimeout(timeout);
    }
    return child;
  }

  /** Send a signal to the server process (e.g. SIGKILL to simulate a crash). Resolves when it has exited. */
  async kill(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (!this.running) return;
    const exited = once(this.child, "exit");
    process.kill(this.pid, signal);
    await exited;
  }

  /** Start again on the same ports with the same store (after `kill`). */
  async restart(): Promise<void> {
    await this.kill("SIGTERM");
    await this.startAgain();
  }

  /** Start after a `kill` without killing first. */
  async startAgain(): Promise<void> {
    this.child = await NatsServer.spawnServer(
      ensureNatsServerBinary(),
      this.port,
      this.monitorPort,
      this.storeDir,
      this.options,
    );
  }

  /** Stop by PID and remove the store directory when this server created it. */
  async stop(): Promise<void> {
    await this.kill("SIGTERM");
    if (this.ownsStore) await rm(this.storeDir, { recursive: true, force: true });
  }
}
