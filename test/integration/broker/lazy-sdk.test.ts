/**
 * Each adapter's SDK is loaded only when that broker is chosen: a consumer process with BROKER=nats
 * never loads memphis-dev (NestJS and its dependency tree: tens of MiB and hundreds of ms of start-up),
 * while one with BROKER=memphis does (the negative control: the check can see memphis-dev). Every
 * module a real consumer process loads, from start through consuming to its exit on SIGTERM, is
 * recorded by test/support/loaded-modules/register.mjs.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AppProcess } from "../../support/app-process.js";
import { startMemphisStandIn, type MemphisStandIn } from "../../../testkit/memphis-stand-in.js";
import { NatsServer } from "../../support/nats-server.js";
import { waitFor } from "../../../testkit/poll.js";

const REGISTER = fileURLToPath(new URL("../../support/loaded-modules/register.mjs", import.meta.url));
/** A module path inside the Memphis SDK's package. */
const MEMPHIS_SDK = /[/\\]node_modules[/\\]memphis-dev[/\\]/;
/** The NATS adapter's chunk of the consumer's bundle (scripts/build.ts), which carries the NATS client. */
const NATS_ADAPTER = /[/\\]dist[/\\]apps[/\\]consumer[/\\]nats-broker-[^/\\]+\.js$/;

/** Modules loaded by a consumer that provisions, subscribes (ready), then exits on SIGTERM. */
async function modulesOfConsumer(env: Record<string, string>, dir: string): Promise<string[]> {
  const provision = await AppProcess.start("consumer", env, "provisioner", ["--provision-only"]);
  expect((await provision.exited).code, provision.stderr).toBe(0);
  const log = join(dir, `${env.BROKER}-modules.log`);
  const consumer = await AppProcess.start("consumer", {
    ...env,
    NODE_OPTIONS: `--import=${REGISTER}`,
    LOADED_MODULES_LOG: log,
  });
  await waitFor(
    "the consumer to be ready",
    async () => ((await consumer.readyStatus().catch(() => 0)) === 200 ? true : undefined),
    {
      timeoutMs: 30_000,
    },
  );
  const exit = await consumer.kill("SIGTERM");
  expect(exit.code, consumer.stderr).toBe(0);
  return (await readFile(log, "utf8")).split("\n").filter((line) => line !== "");
}

describe("adapter SDKs are loaded lazily", () => {
  let dir: string;
  let nats: NatsServer;
  let memphis: MemphisStandIn;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lazy-sdk-"));
    [nats, memphis] = await Promise.all([NatsServer.start(), startMemphisStandIn()]);
  });
  afterEach(() => AppProcess.killAll());
  afterAll(async () => {
    await Promise.all([nats?.stop(), memphis?.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it("BROKER=nats: the consumer loads the NATS adapter and never memphis-dev", async () => {
    const modules = await modulesOfConsumer({ ...nats.appEnv, LOG_LEVEL: "warn" }, dir);
    expect(modules.some((m) => NATS_ADAPTER.test(m))).toBe(true);
    expect(modules.filter((m) => MEMPHIS_SDK.test(m))).toEqual([]);
  });

  it("BROKER=memphis (negative control): the same record shows memphis-dev", async () => {
    const modules = await modulesOfConsumer({ ...memphis.env, LOG_LEVEL: "warn" }, dir);
    expect(modules.some((m) => MEMPHIS_SDK.test(m))).toBe(true);
  });
});
