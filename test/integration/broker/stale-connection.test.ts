/**
 * A network partition that drops packets without a reset, against a busy client: the NATS
 * adapter's connection goes stale and must reconnect even though its send buffer is full (the
 * client library alone stays on the dead socket: see src/broker/common/stale-socket-guard.ts).
 *
 * Real nats-server, real client; the partition is a loopback proxy that stops reading and
 * forwarding its open connections (`TcpProxy.blackhole()`), while new connections through it still
 * work. The negative control is a plain client with the adapter's own connection options, writing
 * the same load through a second proxy blackholed at the same moment: it sees the stale connection
 * and does not reconnect.
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { createRequire } from "node:module";
import { afterEach, describe, expect, it } from "vitest";
import { guardStaleSocket } from "../../../src/broker/common/stale-socket-guard.js";
import { connectionOptions } from "../../../src/broker/nats/connect.js";
import { BROKER_DEFAULTS } from "../../../src/broker/defaults.js";
import { eventSubject } from "../../../src/broker/nats/names.js";
import { NatsBroker } from "../../../src/broker/nats/nats-broker.js";
import type { BrokerEvent } from "../../../src/broker/port.js";
import { NatsServer } from "../../support/nats-server.js";
import { TcpProxy } from "../../../testkit/tcp-proxy.js";
import { natsOptions } from "./nats-support.js";

/** Enough unsent bytes to fill a loopback socket's send buffer and the proxy's receive window. */
const PAYLOAD_BYTES = 256 * 1024;
const IN_FLIGHT = 256;

/** Resolves with the time (performance.now()) `statuses` first yields `type`. */
async function firstStatus(nc: NatsConnection, type: string): Promise<number> {
  for await (const status of nc.status()) if (status.type === type) return performance.now();
  throw new Error(`connection closed before a "${type}" status`);
}

describe("NATS adapter across a packet-dropping partition", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  });

  it("a busy connection that went stale reconnects; a plain client with the same options stays on the dead socket", async () => {
    const server = await NatsServer.start();
    cleanups.push(() => server.stop());
    const viaAdapter = await TcpProxy.start(server.port);
    const viaPlainClient = await TcpProxy.start(server.port);
    cleanups.push(
      () => viaAdapter.close(),
      () => viaPlainClient.close(),
    );
    const options = natsOptions(server, { url: `nats://127.0.0.1:${viaAdapter.port}` });

    const broker = await NatsBroker.connect(options);
    cleanups.push(() => broker.close());
    await broker.provision();
    const events: BrokerEvent[] = [];
    const reconnected = new Promise<number>((resolve) =>
      broker.onEvent((event) => {
        events.push(event);
        if (event.type === "reconnected") resolve(performance.now());
      }),
    );

    const plainOptions = connectionOptions({ ...options, url: `nats://127.0.0.1:${viaPlainClient.port}` });
    const plain = await connect(plainOptions);
    cleanups.push(() => plain.close());
    const plainStale = firstStatus(plain, "staleConnection");
    let plainDisconnected: number | undefined;
    void firstStatus(plain, "disconnect").then(
      (at) => (plainDisconnected = at),
      () => {},
    );
    const plainJs = jetstream(plain);

    viaAdapter.blackhole();
    viaPlainClient.blackhole();
    const partitionedAt = performance.now();
    const payload = new Uint8Array(PAYLOAD_BYTES);
    const subject = eventSubject(options.stream);
    for (let i = 0; i < IN_FLIGHT; i++) {
      broker.publish({ id: `adapter-${i}`, data: payload }).catch(() => {});
      plainJs.publish(subject, payload, { msgID: `plain-${i}` }).catch(() => {});
    }

    // Stale after maxPingOut unanswered PINGs (~15 s with the adapter's settings), then the guard's grace.
    const staleBound = BROKER_DEFAULTS.nats.pingIntervalMs * (BROKER_DEFAULTS.nats.maxPingOut + 1) + 10_000;
    const adapterBackAt = await Promise.race([
      reconnected,
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new Error(`the adapter did not reconnect within ${staleBound} ms`)),
          staleBound,
        ),
      ),
    ]);
    const plainStaleAt = await plainStale;
    // Both saw the partition the same way (same ping options): stale after maxPingOut PINGs.
    expect(plainStaleAt - partitionedAt).toBeLessThan(adapterBackAt - partitionedAt);
    expect(events.some((e) => e.type === "error" && /socket destroyed/.test(e.error.message))).toBe(true);

    // Through the new connection (the proxy forwards new connections), publishing works again.
    const ack = await broker.publish({ id: "after-partition", data: new TextEncoder().encode("{}") });
    expect(ack.sequence).toBeGreaterThan(0);
    const reader = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(reader);
      const stored = await jsm.streams.getMessage(options.stream, { seq: ack.sequence });
      expect(stored?.header.get("Nats-Msg-Id")).toBe("after-partition");
    } finally {
      await reader.close();
    }

    // The control, given as long again as the adapter needed from stale to reconnected and a
    // margin: still no disconnect, so the adapter's reconnect is the guard's doing.
    const margin = 2 * (adapterBackAt - plainStaleAt) + 2_000;
    await new Promise((resolve) => setTimeout(resolve, margin));
    expect(plainDisconnected, "the plain client closed its stale connection by itself").toBeUndefined();
    expect(plain.isClosed()).toBe(false);
  }, 60_000);

  it("the guard reaches the socket of the nats 2 client inside memphis-dev too (its transport has the same wait)", async () => {
    // The copy memphis-dev itself loads (its dependency, not one of this project's).
    const sdkRequire = createRequire(createRequire(import.meta.url).resolve("memphis-dev"));
    const nats2 = sdkRequire("nats") as { connect: typeof connect };
    const server = await NatsServer.start();
    cleanups.push(() => server.stop());
    const proxy = await TcpProxy.start(server.port);
    cleanups.push(() => proxy.close());
    // The SDK leaves the client's 2 min PING interval as is; shortened here to see it go stale.
    const nc = await nats2.connect({
      servers: `nats://127.0.0.1:${proxy.port}`,
      pingInterval: 500,
      maxPingOut: 2,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    cleanups.push(() => nc.close());
    const reports: string[] = [];
    void guardStaleSocket(nc, { graceMs: 500, report: (outcome) => reports.push(outcome) });
    const reconnected = firstStatus(nc, "reconnect");
    proxy.blackhole();
    const payload = new Uint8Array(PAYLOAD_BYTES);
    for (let i = 0; i < IN_FLIGHT; i++) nc.publish("load", payload);
    await Promise.race([
      reconnected,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error("the nats 2 client did not reconnect within 20 s")), 20_000),
      ),
    ]);
    expect(reports).toEqual(["forced"]);
    await nc.flush();
  }, 30_000);
});
