/**
 * The consumer holds under its manifests' memory limit with the largest messages the broker
 * accepts: prod's consumer settings (BATCH_SIZE, CONCURRENCY, WORK_TIME_MS) against a real
 * nats-server at its default max_payload (1 MiB, which the broker charts keep), full batches of
 * valid envelopes just under it, the V8 heap bounded as a container of that limit bounds it
 * (`--max-old-space-size` from `CONSUMER_MEMORY.heapMebibytes`) for the limit
 * `CONSUMER_MEMORY.neededMebibytes` states. Every message must be applied, the process must not
 * die, and its peak RSS (VmHWM) must stay within that limit. Negative control: prod's manifest
 * limit, 96 Mi, is below the 140 MiB this run measured at its settings.
 */
import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstream } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { afterEach, describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../../../cdk8s/config.js";
import { CONSUMER_MEMORY } from "../../../src/apps/consumer/memory.js";
import { CONSUMER_SETTINGS } from "../../../src/apps/consumer/contract.js";
import { eventSubject } from "../../../src/broker/nats/names.js";
import { MSG_ID_HEADER } from "../../../src/broker/nats/delivered-message.js";
import { createEnvelope, encodeEnvelope } from "../../../src/runtime/envelope.js";
import { AppProcess } from "../../support/app-process.js";
import { NatsServer } from "../../support/nats-server.js";
import { waitFor } from "../../../testkit/poll.js";
import { countEffects } from "../../support/sink-audit.js";

/** Peak resident set (VmHWM) of `pid`, MiB. */
async function peakRssMebibytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!kib) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kib[1]) / 1024;
}

describe("consumer memory with maximal payloads", { timeout: 180_000 }, () => {
  let server: NatsServer | undefined;
  let sinkDir: string | undefined;
  afterEach(async () => {
    await AppProcess.killAll();
    await server?.stop();
    if (sinkDir) await rm(sinkDir, { recursive: true, force: true });
  });

  it("prod's consumer settings, full batches just under max_payload: all applied within the limit", async () => {
    const prod = ENVIRONMENTS.prod.consumer;
    const batchSize = CONSUMER_SETTINGS.BATCH_SIZE.default;
    const limit = CONSUMER_MEMORY.neededMebibytes(batchSize);
    const heap = CONSUMER_MEMORY.heapMebibytes(limit);
    const concurrency = prod.settings.CONCURRENCY ?? CONSUMER_SETTINGS.CONCURRENCY.default;
    server = await NatsServer.start({ maxPayload: CONSUMER_MEMORY.maxPayloadBytes });
    sinkDir = await mkdtemp(join(tmpdir(), "memory-effects-"));
    const env = {
      ...server.appEnv,
      SINK_DIR: sinkDir,
      BATCH_SIZE: String(batchSize),
      CONCURRENCY: String(concurrency),
      WORK_TIME_MS: String(prod.settings.WORK_TIME_MS ?? CONSUMER_SETTINGS.WORK_TIME_MS.default),
      NODE_OPTIONS: `--max-old-space-size=${heap}`,
    };
    // Provision, then fill the stream before the measured consumer starts: its first pulls are full.
    const provision = await AppProcess.start("consumer", env, "provision", ["--provision-only"]);
    expect((await provision.exited).code, provision.stderr).toBe(0);
    const count = batchSize * 4;
    const nc = await connect({ servers: server.url });
    try {
      const js = jetstream(nc);
      const header = 256; // the id header and the protocol's framing, with room to spare
      for (let i = 1; i <= count; i++) {
        const envelope = createEnvelope({ seq: i, producer: "memory", payload: { pad: "" } });
        const overhead = encodeEnvelope(envelope).length;
        const pad = "m".repeat(CONSUMER_MEMORY.maxPayloadBytes - overhead - header);
        const h = natsHeaders();
        h.set(MSG_ID_HEADER, envelope.id);
        await js.publish(eventSubject("events"), encodeEnvelope({ ...envelope, payload: { pad } }), {
          headers: h,
        });
      }
    } finally {
      await nc.close();
    }

    const consumer = await AppProcess.start("consumer", env, "memory-consumer");
    let peak = 0;
    await waitFor(
      `${count} maximal messages applied`,
      async () => {
        if (!consumer.isRunning) throw new Error(`consumer exited:\n${consumer.stderr}`);
        peak = Math.max(peak, await peakRssMebibytes(consumer.pid));
        return (await countEffects(sinkDir!)) >= count;
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    peak = Math.max(peak, await peakRssMebibytes(consumer.pid));
    const exit = await consumer.kill("SIGTERM");
    console.log(
      `[nats] consumer memory: ${count} messages of ${CONSUMER_MEMORY.maxPayloadBytes} bytes, BATCH_SIZE ${batchSize}, ` +
        `CONCURRENCY ${concurrency}, heap bound ${heap} MiB: peak RSS ${peak.toFixed(1)} MiB, ` +
        `limit ${limit} MiB (the manifests' ${prod.resources.memoryLimitMebibytes} MiB)`,
    );
    expect(exit.code, consumer.stderr).toBe(0);
    expect(await countEffects(sinkDir)).toBe(count);
    expect(peak).toBeLessThanOrEqual(limit);
  });

  // A limit from the 64-byte-payload benchmark alone (96 Mi on NATS) fails this: the manifests take
  // the higher of the two (consumerMemoryLimitMebibytes).
  it("the manifests give the consumer at least that limit", () => {
    const batchSize = CONSUMER_SETTINGS.BATCH_SIZE.default;
    for (const environment of Object.values(ENVIRONMENTS))
      expect(environment.consumer.resources.memoryLimitMebibytes).toBeGreaterThanOrEqual(
        CONSUMER_MEMORY.neededMebibytes(batchSize),
      );
  });
});
