/**
 * NATS side of the broker tests: base options against a test server, and reading the
 * dead-letter stream back.
 */
import { jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import type { BrokerOptions } from "../../../src/broker/options.js";
import { DEAD_LETTER_HEADERS } from "../../../src/broker/nats/delivered-message.js";
import type { NatsServer } from "../../support/nats-server.js";
import type { DeadLetter } from "./helpers.js";
import { testBrokerOptions } from "../../support/broker-options.js";
import { readDeadLetterStream } from "./helpers.js";

/** Options for a broker on `server`, with short test timings. */
export function natsOptions(server: NatsServer, overrides: Partial<BrokerOptions> = {}): BrokerOptions {
  return testBrokerOptions(
    { kind: "nats", url: server.url, monitorUrl: server.monitorUrl, account: "$G" },
    overrides,
  );
}

/** Every message on the dead-letter stream of `options`. */
export async function readNatsDeadLetters(options: BrokerOptions): Promise<DeadLetter[]> {
  const nc = await connect({ servers: options.url });
  try {
    return await readDeadLetterStream(jetstream(nc), options.deadLetterStream, DEAD_LETTER_HEADERS.reason);
  } finally {
    await nc.close();
  }
}
