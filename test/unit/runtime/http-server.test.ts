import { afterEach, describe, expect, it } from "vitest";
import { AppHttpServer } from "../../../src/runtime/http-server.js";
import { createRegistry } from "../../../src/runtime/metrics/registry.js";
import { createQueueDepthGauge } from "../../../src/runtime/metrics/queue-depth-metric.js";
import { Readiness } from "../../../src/runtime/readiness.js";

describe("AppHttpServer", () => {
  let server: AppHttpServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it("serves /livez, /readyz from the readiness conditions and /metrics with default labels", async () => {
    const registry = createRegistry("consumer");
    createQueueDepthGauge(registry).set({ state: "pending" }, 42);
    const readiness = new Readiness(["broker"]);
    server = await AppHttpServer.start({ port: 0, host: "127.0.0.1", registry, readiness });
    const get = (path: string) => fetch(`http://127.0.0.1:${server!.port}${path}`);
    expect((await get("/livez")).status).toBe(200);
    const notReady = await get("/readyz");
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toContain("broker");
    readiness.set("broker", true);
    expect((await get("/readyz")).status).toBe(200);
    readiness.set("running", false);
    expect((await get("/readyz")).status).toBe(503);
    const metrics = await (await get("/metrics")).text();
    expect(metrics).toContain('broker_queue_depth_messages{state="pending",app="consumer"} 42');
    expect(metrics).toContain("process_cpu_user_seconds_total");
    expect((await get("/nope")).status).toBe(404);
  });
});
