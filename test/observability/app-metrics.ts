/**
 * Start a real nats-server and the built producer and consumer (`dist/apps/<app>/main.js`) with the
 * contract's environment, and scrape their /metrics. Used when the apps have been built.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, NatsServer } from "../support/nats-server.js";

export type AppName = "producer" | "consumer";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Path of an app's built entry point. */
export function appEntry(app: AppName): string {
  return join(REPO, "dist", "apps", app, "main.js");
}

/** True when both apps have been built (`npm run build`). */
export function appsBuilt(): boolean {
  return existsSync(appEntry("producer")) && existsSync(appEntry("consumer"));
}

interface RunningApp {
  readonly child: ChildProcess;
  readonly port: number;
  output: string;
}

async function scrape(port: number): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Poll an app's /metrics until `ready(text)` holds (no event exists for "the app registered its
 * metrics and polled the queue depth"), with a deadline; fail with the app's output.
 */
async function scrapeUntil(
  app: AppName,
  running: RunningApp,
  ready: (text: string) => boolean,
): Promise<string> {
  const deadline = Date.now() + 30_000;
  let last: string | undefined;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) {
      throw new Error(`${app} exited with code ${running.child.exitCode}:\n${running.output}`);
    }
    last = await scrape(running.port);
    if (last !== undefined && ready(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `${app} /metrics not ready within 30 s; last scrape:\n${last ?? "(none)"}\noutput:\n${running.output}`,
  );
}

function startApp(app: AppName, entry: string, env: Record<string, string>, port: number): RunningApp {
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, ...env, HTTP_PORT: String(port), INSTANCE_ID: `${app}-metrics-test` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const running: RunningApp = { child, port, output: "" };
  const keep = (chunk: Buffer): void => {
    running.output = (running.output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return running;
}

async function stopApp(running: RunningApp): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  const exited = once(running.child, "exit");
  running.child.kill("SIGTERM");
  const timer = setTimeout(() => running.child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
}

/** Run both apps against a fresh nats-server and return each one's /metrics text. */
export async function scrapeLiveAppMetrics(
  entries: Record<AppName, string> = { producer: appEntry("producer"), consumer: appEntry("consumer") },
): Promise<Record<AppName, string>> {
  const server = await NatsServer.start();
  const apps: Partial<Record<AppName, RunningApp>> = {};
  try {
    const env: Record<string, string> = {
      BROKER: "nats",
      BROKER_URL: server.url,
      BROKER_MONITOR_URL: server.monitorUrl,
      LOG_LEVEL: "warn",
      RATE_PER_SECOND: "5",
      WORK_TIME_MS: "0",
    };
    const texts: Partial<Record<AppName, string>> = {};
    for (const app of ["producer", "consumer"] as const) {
      apps[app] = startApp(app, entries[app], env, await freePort());
    }
    for (const app of ["producer", "consumer"] as const) {
      const running = apps[app];
      if (running === undefined) throw new Error(`${app} not started`);
      // Wait for the queue-depth gauge to have a sample: both apps have then connected, provisioned
      // and polled the broker once, so every metric is registered.
      texts[app] = await scrapeUntil(app, running, (text) => /^broker_queue_depth_messages\{/m.test(text));
    }
    return { producer: texts.producer ?? "", consumer: texts.consumer ?? "" };
  } finally {
    await Promise.all(Object.values(apps).map((running) => stopApp(running)));
    await server.stop();
  }
}
