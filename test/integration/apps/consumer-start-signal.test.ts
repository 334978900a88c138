/**
 * A consumer that gets SIGTERM while it is still starting exits 0 promptly, as a scaler that scales
 * out and quickly back in requires (it used to die by the signal, exit 143, or sit in its broker
 * connect for ~20 s and exit 1). The signal is sent at two awaited moments, never after a sleep:
 * - as soon as its effect sink file exists (`SINK_DIR`), before the app runtime and its drain-on-
 *   SIGTERM are set up;
 * - on its "starting" log line, while it connects to a broker that does not answer.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppProcess } from "../../support/app-process.js";
import { waitFor } from "../../../testkit/poll.js";

/** Promptly: well under the Deployment's 30 s grace, far below the connect retries it replaces. */
const PROMPT_MS = 5_000;

describe("consumer SIGTERM while starting", () => {
  // A TCP port that accepts and never answers: the NATS connect hangs in its handshake.
  let silent: Server;
  let silentPort: number;
  let sinkDir: string;
  beforeAll(async () => {
    sinkDir = await mkdtemp(join(tmpdir(), "start-signal-"));
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    await AppProcess.killAll();
    await new Promise((resolve) => silent.close(resolve));
    await rm(sinkDir, { recursive: true, force: true });
  });

  const start = (name: string) =>
    AppProcess.start(
      "consumer",
      {
        BROKER: "nats",
        BROKER_URL: `nats://127.0.0.1:${silentPort}`,
        BROKER_MONITOR_URL: `http://127.0.0.1:${silentPort}`,
        SINK_DIR: sinkDir,
      },
      name,
    );

  it("before its runtime is set up: exit 0 promptly, nothing consumed", async () => {
    const consumer = await start("early");
    const sinkFile = join(sinkDir, "applied-early.log");
    await waitFor("the effect sink opened", () => existsSync(sinkFile), { intervalMs: 1 });
    const signalledAt = performance.now();
    const exit = await consumer.kill("SIGTERM");
    console.log(
      `[start-signal] before the runtime: exit ${exit.code}/${exit.signal} after ${Math.round(performance.now() - signalledAt)} ms`,
    );
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(performance.now() - signalledAt).toBeLessThan(PROMPT_MS);
    expect(consumer.lastLog("consuming")).toBeUndefined();
  });

  it("while it connects to the broker: exit 0 promptly", async () => {
    const consumer = await start("connecting");
    await waitFor("starting log line", () => consumer.lastLog("starting"), { intervalMs: 10 });
    const signalledAt = performance.now();
    const exit = await consumer.kill("SIGTERM");
    console.log(
      `[start-signal] connecting: exit ${exit.code}/${exit.signal} after ${Math.round(performance.now() - signalledAt)} ms`,
    );
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(performance.now() - signalledAt).toBeLessThan(PROMPT_MS);
    expect(consumer.lastLog("consuming")).toBeUndefined();
  });
});
