/**
 * NATS side of the broker tests: base options against a test server, and reading the
 * dead-letter stream back.
 */
import { jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import type { BrokerOptions } from "../../../src/broker/options.js";
import { DEAD_LETTER_HEADERS } from "../../../src/broker/nats/delivered-message.js";
import { flattenHeaders } from "../../../src/broker/nats/delivered-message.js";
import type { NatsServer } from "../../support/nats-server.js";
import type { DeadLetter } from "./contract.js";

/** Options for a broker on `server`, with short test timings. */
export function natsOptions(server: NatsServer, overrides: Partial<BrokerOptions> = {}): BrokerOptions {
  return {
    kind: "nats",
    url: server.url,
    monitorUrl: server.monitorUrl,
    account: "$G",
    stream: "events",
    consumerGroup: "event-consumers",
    deadLetterStream: "events-dlq",
    ackWaitMs: 5_000,
    maxDeliveries: 5,
    retentionSeconds: 3_600,
    dedupWindowMs: 120_000,
    accountId: 1,
    clientName: "broker-test",
    connectRetries: 3,
    ...overrides,
  };
}

/** Every message on the dead-letter stream of `options`, read with an ordered consumer. */
export async function readNatsDeadLetters(options: BrokerOptions): Promise<DeadLetter[]> {
  const nc = await connect({ servers: options.url });
  try {
    const js = jetstream(nc);
    const consumer = await js.consumers.get(options.deadLetterStream);
    const info = await consumer.info();
    const count = info.num_pending;
    const letters: DeadLetter[] = [];
    if (count === 0) return letters;
    const batch = await consumer.fetch({ max_messages: count, expires: 5_000 });
    for await (const m of batch) {
      const headers = flattenHeaders(m.headers);
      letters.push({ data: m.data, headers, reason: headers[DEAD_LETTER_HEADERS.reason] });
      if (letters.length >= count) break;
    }
    return letters;
  } finally {
    await nc.close();
  }
}
