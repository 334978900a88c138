/**
 * Raw baseline consumer (a process of its own, like the app): the raw client library's
 * consume-and-ack loop on the same durable consumer group, decoding each envelope and, with
 * SINK_DIR, writing one effect file per message id.
 *
 * Env: RAW_* (see raw-target.ts), BATCH_SIZE, SINK_DIR (optional), and two switches that let the
 * bench attribute a gap to a design choice (the bench's comparison always uses the defaults):
 *   RAW_ACK  = plain (default: `ack()`, not waited for) | confirmed (`await ackAck()`, a round trip each)
 *   RAW_PULL = consume (default: `consume()`, refills pulls ahead) | fetch (one `fetch()` batch at a time)
 * Prints `ready` once the pull subscription is open; on SIGTERM stops pulling, drains, exits 0.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { jetstream, type JsMsg } from "@nats-io/jetstream";
import { decodeEnvelope } from "../../src/runtime/envelope.js";
import { connectRaw, intEnv, rawTargetFromEnv } from "./raw-target.js";

const env = process.env;
const target = rawTargetFromEnv(env);
const batchSize = Math.max(1, intEnv(env, "BATCH_SIZE", 10));
const sinkDir = env.SINK_DIR;
const confirmedAck = env.RAW_ACK === "confirmed";
const fetchLoop = env.RAW_PULL === "fetch";

const nc = await connectRaw(target, env.INSTANCE_ID ?? "raw-consumer");
const js = jetstream(nc);
const consumer = await js.consumers.get(target.stream, target.durable);
let stopping = false;

async function handle(message: JsMsg): Promise<void> {
  const envelope = decodeEnvelope(message.data);
  if (sinkDir !== undefined && sinkDir !== "") {
    await writeFile(join(sinkDir, `${envelope.id}.json`), message.data, { flag: "wx" }).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
      },
    );
  }
  if (confirmedAck) await message.ackAck();
  else message.ack();
}

if (fetchLoop) {
  process.once("SIGTERM", () => {
    stopping = true;
  });
  console.log("ready");
  while (!stopping) {
    const batch = await consumer.fetch({ max_messages: batchSize, expires: 1_000 });
    for await (const message of batch) await handle(message);
  }
} else {
  const messages = await consumer.consume({ max_messages: batchSize });
  process.once("SIGTERM", () => {
    void messages.close();
  });
  console.log("ready");
  for await (const message of messages) await handle(message);
}
await nc.drain();
process.exit(0);
