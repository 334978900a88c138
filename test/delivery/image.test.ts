/**
 * The container images, built HERE from the Dockerfile with Debian's buildah on a local base
 * (mmdebstrap bookworm minbase + the shipped Node.js of .nvmrc from the npm registry; no container
 * registry needed) and run with podman, once per broker (BROKER build argument): non-root, /app,
 * `node` as the command, no secrets or stray files in it, node_modules (the Memphis SDK) only in
 * the Memphis image; each app starts against its broker (a real nats-server; the TEST-ONLY Memphis stand-in)
 * on the host network, answers /readyz with a read-only root filesystem, and exits 0 on SIGTERM.
 * Skipped (with the reason printed) only without root / passwordless sudo.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBroker, type BrokerOptions } from "../../src/broker/index.js";
import type { BrokerKind } from "../../src/broker/port.js";
import {
  detectPrivilege,
  ensureImageTools,
  podmanGlobalFlags,
  privileged,
  run,
  ulimitFlags,
  type Privilege,
} from "../../testkit/image/container-cli.js";
import { APP_TARGETS, buildAppImages, type AppTarget } from "../../testkit/image/image-build.js";
import { ensureLocalBase, pruneStaleTestImages } from "../../testkit/image/local-base.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { shippedNodeMajor } from "../../testkit/shipped-node.js";
import { startMemphisStandIn, type MemphisStandIn } from "../../testkit/memphis-stand-in.js";
import { testBrokerOptions } from "../support/broker-options.js";
import { memphisOptions } from "../support/memphis-broker-options.js";
import { NatsServer, freePort } from "../support/nats-server.js";

const privilegeOrReason = process.platform === "linux" ? detectPrivilege() : "the image test needs Linux";
const skipReason = typeof privilegeOrReason === "string" ? privilegeOrReason : undefined;
if (skipReason !== undefined) console.warn(`[image test skipped] ${skipReason}`);
const privilege = (typeof privilegeOrReason === "string" ? { prefix: [] } : privilegeOrReason) as Privilege;

const log = (line: string): void => console.log(`[image] ${line}`);
const podman = (...args: string[]): string =>
  run([...privilege.prefix, "podman", ...podmanGlobalFlags(), ...args], { timeoutMs: 300_000 }).stdout.trim();

/** Container output (stdout and stderr) for failure messages. */
const containerLogs = (name: string): string => {
  const result = spawnSync(...privileged(privilege, ["podman", ...podmanGlobalFlags(), "logs", name]), {
    encoding: "utf8",
  });
  return `${result.stdout}${result.stderr}`.trim().split("\n").slice(-60).join("\n");
};

const STREAM = "events";
const GROUP = "event-consumers";
const BROKERS: readonly BrokerKind[] = ["nats", "memphis"];
/** Every (broker, app) image. */
const CASES = BROKERS.flatMap((broker) => APP_TARGETS.map((app) => [broker, app] as const));
/** What only the Memphis SDK brings into node_modules. */
const MEMPHIS_ONLY = ["memphis-dev", "@nestjs", "express", "multer"];

/** Start a container on the host network with `env`; returns its name. */
function runContainer(image: string, name: string, env: Record<string, string>): void {
  podman(
    "run",
    "-d",
    "--name",
    name,
    "--network",
    "host",
    "--read-only",
    "--tmpfs",
    "/tmp",
    ...ulimitFlags(),
    ...Object.entries(env).flatMap(([key, value]) => ["-e", `${key}=${value}`]),
    image,
  );
}

describe.skipIf(skipReason !== undefined)("container image", () => {
  const images = {} as Record<BrokerKind, Record<AppTarget, string>>;
  let nats: NatsServer;
  let memphis: MemphisStandIn;
  const containers: string[] = [];
  /** BROKER_* environment of each broker for a container. */
  const brokerEnv = {} as Record<BrokerKind, Record<string, string>>;

  async function provision(options: BrokerOptions): Promise<void> {
    const broker = await connectBroker(options);
    await broker.provision();
    await broker.close();
  }

  beforeAll(async () => {
    const started = Date.now();
    const missing = ensureImageTools(privilege, log);
    if (missing !== undefined) throw new Error(`image tools: ${missing}`);
    const base = await ensureLocalBase({ privilege, log });
    for (const broker of BROKERS)
      // a tag per run: concurrent test runs on one machine never run each other's images
      images[broker] = await buildAppImages({
        privilege,
        context: REPO_ROOT,
        broker,
        baseImage: base.image,
        tag: `test-${process.pid}-${broker}`,
        log,
      });
    pruneStaleTestImages(privilege);
    log(`tools + base + build: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const [broker, app] of CASES)
      log(
        `size ${broker}/${app}: ${podman("image", "inspect", "--format", "{{.Size}}", images[broker][app])} bytes`,
      );
    nats = await NatsServer.start();
    await provision(
      testBrokerOptions(
        { kind: "nats", url: nats.url, monitorUrl: nats.monitorUrl, account: "$G" },
        { stream: STREAM, consumerGroup: GROUP, ackWaitMs: 30_000, clientName: "image-test-provisioning" },
      ),
    );
    brokerEnv.nats = { BROKER: "nats", BROKER_URL: nats.url, BROKER_MONITOR_URL: nats.monitorUrl };
    memphis = await startMemphisStandIn();
    await provision(memphisOptions(memphis));
    brokerEnv.memphis = memphis.env;
  }, 1_200_000);

  afterAll(async () => {
    const podmanArgs = (...args: string[]) =>
      privileged(privilege, ["podman", ...podmanGlobalFlags(), ...args]);
    for (const name of containers) spawnSync(...podmanArgs("rm", "-f", name));
    // untag; the layers stay as build cache for the next run
    const tagged = Object.values(images).flatMap((byApp) => Object.values(byApp));
    if (tagged.length > 0) spawnSync(...podmanArgs("rmi", ...tagged));
    await memphis?.stop();
    await nats?.stop();
  });

  it.each(CASES)(
    "%s/%s image: uid 10001, /app, shipped node directly, only dist + the Memphis SDK's tree",
    (broker, app) => {
      const image = images[broker][app];
      const config = JSON.parse(podman("image", "inspect", image))[0].Config as {
        User: string;
        WorkingDir: string;
        Cmd: string[];
        Entrypoint?: string[] | null;
        Env: string[];
        Labels?: Record<string, string>;
      };
      expect(config.Labels?.["io.keda-event-pipeline.broker"]).toBe(broker);
      expect(config.User).toBe("10001:10001");
      expect(config.WorkingDir).toBe("/app");
      expect(config.Entrypoint ?? []).toEqual([]);
      expect(config.Cmd).toEqual(["node", `dist/apps/${app}/main.js`]);
      expect(config.Env.join("\n")).not.toMatch(/PASSWORD|TOKEN|SECRET|BROKER_USERNAME/);
      const history = podman("history", "--no-trunc", "--format", "{{.CreatedBy}}", image);
      expect(history).not.toMatch(/PASSWORD|TOKEN|SECRET/);
      const listing = podman(
        "run",
        "--rm",
        ...ulimitFlags(),
        "--entrypoint",
        "sh",
        image,
        "-c",
        "id -u; node --version; ls -A /app; ls /app/node_modules",
      );
      const [uid, nodeVersion, ...rest] = listing.split("\n");
      expect(uid).toBe("10001");
      expect(nodeVersion).toMatch(new RegExp(`^v${shippedNodeMajor()}\\.`));
      expect(rest.slice(0, 4)).toEqual([".node-compile-cache", "dist", "node_modules", "package.json"]);
      const modules = rest.slice(4);
      for (const devOnly of ["typescript", "vitest", "eslint", "cdk8s-cli", "tsx"])
        expect(modules).not.toContain(devOnly);
      // The bundle (scripts/build.ts) carries every dependency but the Memphis SDK.
      if (broker === "memphis") expect(modules).toEqual(expect.arrayContaining(MEMPHIS_ONLY));
      else expect(modules).toEqual([]);
    },
  );

  it.each(CASES)(
    "%s/%s image: the entry point's compiled code comes from the compile cache written at build time, read-only",
    (broker, app) => {
      // Without configuration the app exits 2 right after its modules are compiled or read from the cache.
      const result = spawnSync(
        ...privileged(privilege, [
          "podman",
          ...podmanGlobalFlags(),
          "run",
          "--rm",
          "--read-only",
          ...ulimitFlags(),
          "-e",
          "NODE_DEBUG_NATIVE=COMPILE_CACHE",
          images[broker][app],
        ]),
        { encoding: "utf8" },
      );
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toContain(
        `V8 code cache for ESM file:///app/dist/apps/${app}/main.js was accepted`,
      );
    },
  );

  it.each(CASES)(
    "%s/%s container starts against its broker, is ready on /readyz, exits 0 on SIGTERM",
    async (broker, app) => {
      const port = await freePort();
      const name = `image-test-${broker}-${app}-${process.pid}`;
      containers.push(name);
      runContainer(images[broker][app], name, {
        ...brokerEnv[broker],
        HTTP_PORT: String(port),
        RATE_PER_SECOND: "0",
        INSTANCE_ID: name,
        DRAIN_TIMEOUT_MS: "10000",
      });
      const deadline = Date.now() + 90_000;
      let ready = false;
      while (!ready) {
        const state = podman("inspect", "-f", "{{.State.Running}} {{.State.ExitCode}}", name);
        if (!state.startsWith("true"))
          throw new Error(`${app} container stopped (${state}) before ready:\n${containerLogs(name)}`);
        ready = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
          (r) => r.status === 200,
          () => false,
        );
        if (!ready) {
          if (Date.now() > deadline) throw new Error(`${app} not ready within 90 s:\n${containerLogs(name)}`);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
      podman("kill", "--signal", "TERM", name);
      const exitCode = podman("wait", name);
      const logs = containerLogs(name);
      expect(exitCode, logs).toBe("0");
    },
    180_000,
  );

  it("the NATS image, told BROKER=memphis, stops and says it lacks the Memphis SDK", async () => {
    const name = `image-test-nats-sdk-${process.pid}`;
    containers.push(name);
    runContainer(images.nats.consumer, name, {
      ...brokerEnv.memphis,
      HTTP_PORT: String(await freePort()),
      INSTANCE_ID: name,
    });
    const exitCode = podman("wait", name);
    const logs = containerLogs(name);
    expect(exitCode, logs).not.toBe("0");
    expect(logs).toMatch(/memphis-dev is not installed: this is a BROKER=nats image/);
  });
});
