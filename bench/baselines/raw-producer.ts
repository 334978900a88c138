/**
 * Raw baseline producer (a process of its own, like the app): a paced, pipelined
 * publish-with-ack loop of the raw client library with the app's in-flight bound.
 *
 * Env: RAW_* (see raw-target.ts), RATE_PER_SECOND (0 or unset = as fast as acks come back),
 * MESSAGE_LIMIT (0 = until SIGTERM), MAX_IN_FLIGHT, PAYLOAD_BYTES, INSTANCE_ID.
 * Prints `ready` once connected; exits 0 after MESSAGE_LIMIT messages or on SIGTERM, 1 on a failure.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { jetstream } from "@nats-io/jetstream";
import { benchEnvelope, publishEnvelope } from "./raw-publish.js";
import { connectRaw, intEnv, rawTargetFromEnv } from "./raw-target.js";

const env = process.env;
const target = rawTargetFromEnv(env);
const rate = intEnv(env, "RATE_PER_SECOND", 0);
const limit = intEnv(env, "MESSAGE_LIMIT", 0);
const maxInFlight = Math.max(1, intEnv(env, "MAX_IN_FLIGHT", 256));
const payloadBytes = intEnv(env, "PAYLOAD_BYTES", 64);
const producer = env.INSTANCE_ID ?? "raw-producer";

const nc = await connectRaw(target, producer);
const js = jetstream(nc);
let stopping = false;
process.once("SIGTERM", () => {
  stopping = true;
});

let inFlight = 0;
let failure: unknown;
let slotFreed: (() => void) | undefined;
const waitForSlot = (): Promise<void> => new Promise((resolve) => (slotFreed = resolve));

console.log("ready");
const started = performance.now();
let sent = 0;
while (!stopping && failure === undefined && (limit === 0 || sent < limit)) {
  if (rate > 0) {
    const wait = started + (sent * 1000) / rate - performance.now();
    if (wait >= 1) await sleep(wait);
  }
  while (inFlight >= maxInFlight) await waitForSlot();
  sent++;
  inFlight++;
  publishEnvelope(js, target, benchEnvelope(sent, producer, payloadBytes), producer)
    .catch((error: unknown) => {
      failure ??= error;
    })
    .finally(() => {
      inFlight--;
      const release = slotFreed;
      slotFreed = undefined;
      release?.();
    });
}
while (inFlight > 0) await waitForSlot();
await nc.drain();
if (failure !== undefined) {
  console.error(`raw producer failed: ${(failure as Error).message}`);
  process.exit(1);
}
process.exit(0);
