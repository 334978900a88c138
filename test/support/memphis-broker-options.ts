/**
 * Memphis side of the broker tests: base options against the TEST-ONLY Memphis stand-in, and reading
 * the dead-letter station back.
 */
import { jetstream } from "@nats-io/jetstream";
import { stationStreamName } from "../../src/broker/memphis/names.js";
import type { BrokerOptions } from "../../src/broker/options.js";
import { DLS_HEADERS } from "../../scripts/lib/memphis-control-plane.js";
import type { MemphisStandIn } from "../../scripts/lib/memphis-stand-in.js";
import type { DeadLetter } from "../integration/broker/contract.js";
import { readDeadLetterStream } from "../integration/broker/helpers.js";
import { testBrokerOptions } from "./broker-options.js";

/** Options for a Memphis broker on the stand-in, with short test timings. */
export function memphisOptions(
  standIn: MemphisStandIn,
  overrides: Partial<BrokerOptions> = {},
): BrokerOptions {
  return testBrokerOptions(
    {
      kind: "memphis",
      url: standIn.url,
      monitorUrl: standIn.monitorUrl,
      account: "$memphis",
      username: standIn.username,
      password: standIn.password,
      accountId: standIn.accountId,
    },
    overrides,
  );
}

/** Everything on the dead-letter station of `options` (stream `<dls>$1`). */
export function memphisDeadLetterReader(
  standIn: MemphisStandIn,
): (options: BrokerOptions) => Promise<DeadLetter[]> {
  return (options) =>
    readDeadLetterStream(
      jetstream(standIn.connection),
      stationStreamName(options.deadLetterStream),
      DLS_HEADERS.reason,
    );
}
