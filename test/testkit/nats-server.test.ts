import { afterAll, describe, expect, it } from "vitest";
import { NatsServer } from "../support/nats-server.js";

describe("nats-server harness", () => {
  let server: NatsServer | undefined;
  afterAll(async () => server?.stop());

  it("starts a JetStream server on loopback, restarts on the same ports, stops by pid", async () => {
    server = await NatsServer.start();
    const jsz = async () =>
      (await (await fetch(`${server!.monitorUrl}/jsz`)).json()) as { config?: { store_dir?: string } };
    expect((await jsz()).config?.store_dir).toContain(server.storeDir);
    const firstPid = server.pid;
    await server.kill("SIGKILL");
    await expect(fetch(`${server.monitorUrl}/healthz`)).rejects.toThrow();
    await server.startAgain();
    expect(server.pid).not.toBe(firstPid);
    expect((await fetch(`${server.monitorUrl}/healthz`)).status).toBe(200);
  });
});
