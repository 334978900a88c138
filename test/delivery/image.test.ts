/**
 * The container image, built HERE from the Dockerfile with Debian's buildah on a local base
 * (mmdebstrap bookworm minbase + this machine's Node 20; no registry needed) and run with podman:
 * non-root, /app, `node` as the command, no secrets or stray files in it; each app starts against
 * a real nats-server on the host network, answers /readyz with a read-only root filesystem, and
 * exits 0 on SIGTERM. Skipped (with the reason printed) only without root / passwordless sudo.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectBroker } from "../../src/broker/index.js";
import {
  detectPrivilege,
  ensureImageTools,
  podmanGlobalFlags,
  privileged,
  run,
  ulimitFlags,
  type Privilege,
} from "../../scripts/image/container-cli.js";
import { APP_TARGETS, buildAppImages, type AppTarget } from "../../scripts/image/image-build.js";
import { ensureLocalBase, pruneStaleTestImages } from "../../scripts/image/local-base.js";
import { REPO_ROOT } from "../../scripts/lib/repo-root.js";
import { testBrokerOptions } from "../support/broker-options.js";
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

describe.skipIf(skipReason !== undefined)("container image", () => {
  let images: Record<AppTarget, string>;
  let nats: NatsServer;
  const containers: string[] = [];

  beforeAll(async () => {
    const started = Date.now();
    const missing = ensureImageTools(privilege, log);
    if (missing !== undefined) throw new Error(`image tools: ${missing}`);
    const base = ensureLocalBase({ privilege, log });
    // a tag per run: concurrent test runs on one machine never run each other's images
    images = buildAppImages({
      privilege,
      context: REPO_ROOT,
      baseImage: base,
      tag: `test-${process.pid}`,
      log,
    });
    pruneStaleTestImages(privilege);
    log(`tools + base + build: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    nats = await NatsServer.start();
    const broker = await connectBroker(
      testBrokerOptions(
        { kind: "nats", url: nats.url, monitorUrl: nats.monitorUrl, account: "$G" },
        { stream: STREAM, consumerGroup: GROUP, ackWaitMs: 30_000, clientName: "image-test-provisioning" },
      ),
    );
    await broker.provision();
    await broker.close();
  }, 1_200_000);

  afterAll(async () => {
    const podmanArgs = (...args: string[]) =>
      privileged(privilege, ["podman", ...podmanGlobalFlags(), ...args]);
    for (const name of containers) spawnSync(...podmanArgs("rm", "-f", name));
    // untag; the layers stay as build cache for the next run
    if (images !== undefined) spawnSync(...podmanArgs("rmi", ...Object.values(images)));
    await nats?.stop();
  });

  it.each(APP_TARGETS)("%s image: uid 10001, /app, node directly, only dist + production deps", (app) => {
    const config = JSON.parse(podman("image", "inspect", images[app]))[0].Config as {
      User: string;
      WorkingDir: string;
      Cmd: string[];
      Entrypoint?: string[] | null;
      Env: string[];
    };
    expect(config.User).toBe("10001:10001");
    expect(config.WorkingDir).toBe("/app");
    expect(config.Entrypoint ?? []).toEqual([]);
    expect(config.Cmd).toEqual(["node", `dist/apps/${app}/main.js`]);
    expect(config.Env.join("\n")).not.toMatch(/PASSWORD|TOKEN|SECRET|BROKER_USERNAME/);
    const history = podman("history", "--no-trunc", "--format", "{{.CreatedBy}}", images[app]);
    expect(history).not.toMatch(/PASSWORD|TOKEN|SECRET/);
    const listing = podman(
      "run",
      "--rm",
      ...ulimitFlags(),
      "--entrypoint",
      "sh",
      images[app],
      "-c",
      "id -u; ls -A /app; ls /app/node_modules",
    );
    const [uid, ...rest] = listing.split("\n");
    expect(uid).toBe("10001");
    expect(rest.slice(0, 3)).toEqual(["dist", "node_modules", "package.json"]);
    const modules = rest.slice(3);
    for (const devOnly of ["typescript", "vitest", "eslint", "cdk8s-cli", "tsx"])
      expect(modules).not.toContain(devOnly);
    expect(modules).toContain("prom-client");
  });

  it.each(APP_TARGETS)(
    "%s container starts against nats-server, is ready on /readyz, exits 0 on SIGTERM",
    async (app) => {
      const port = await freePort();
      const name = `image-test-${app}-${process.pid}`;
      containers.push(name);
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
        "-e",
        "BROKER=nats",
        "-e",
        `BROKER_URL=${nats.url}`,
        "-e",
        `BROKER_MONITOR_URL=${nats.monitorUrl}`,
        "-e",
        `HTTP_PORT=${port}`,
        "-e",
        "RATE_PER_SECOND=0",
        "-e",
        `INSTANCE_ID=${name}`,
        "-e",
        "DRAIN_TIMEOUT_MS=10000",
        images[app],
      );
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
});
