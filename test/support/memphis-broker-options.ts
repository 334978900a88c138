/**
 * Memphis side of the broker tests: base options against the TEST-ONLY Memphis stand-in, and reading
 * the dead-letter station back.
 */
import { jetstream } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/nats-core";
import { stationStreamName } from "../../src/broker/memphis/names.js";
import type { BrokerOptions } from "../../src/broker/options.js";
import { DLS_HEADERS } from "./memphis-control-plane.js";
import type { MemphisStandIn } from "./memphis-stand-in.js";
import type { DeadLetter } from "../integration/broker/contract.js";

/** Options for a Memphis broker on the stand-in, with short test timings. */
export function memphisOptions(
  standIn: MemphisStandIn,
  overrides: Partial<BrokerOptions> = {},
): BrokerOptions {
  return {
    kind: "memphis",
    url: standIn.url,
    monitorUrl: standIn.monitorUrl,
    account: "$memphis",
    stream: "events",
    consumerGroup: "event-consumers",
    deadLetterStream: "events-dlq",
    ackWaitMs: 5_000,
    maxDeliveries: 5,
    retentionSeconds: 3_600,
    dedupWindowMs: 120_000,
    username: standIn.username,
    password: standIn.password,
    accountId: standIn.accountId,
    clientName: "broker-test",
    connectRetries: 3,
    ...overrides,
  };
}

function flatten(headers: MsgHdrs | undefined): Record<string, string> {
  const flat: Record<string, string> = {};
  if (headers) for (const [key, values] of headers) if (values[0] !== undefined) flat[key] = values[0];
  return flat;
}

/** Everything on the dead-letter station of `options` (stream `<dls>$1`), read with an ordered consumer. */
export function memphisDeadLetterReader(
  standIn: MemphisStandIn,
): (options: BrokerOptions) => Promise<DeadLetter[]> {
  return async (options) => {
    const js = jetstream(standIn.connection);
    const consumer = await js.consumers.get(stationStreamName(options.deadLetterStream));
    const count = (await consumer.info()).num_pending;
    const letters: DeadLetter[] = [];
    if (count === 0) return letters;
    const batch = await consumer.fetch({ max_messages: count, expires: 5_000 });
    for await (const m of batch) {
      const headers = flatten(m.headers);
      letters.push({ data: m.data, headers, reason: headers[DLS_HEADERS.reason] });
      if (letters.length >= count) break;
    }
    return letters;
  };
}
