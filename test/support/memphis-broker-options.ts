/**
 * Memphis side of the broker tests: base options against the TEST-ONLY Memphis stand-in, and reading
 * the dead-letter station back.
 */
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { durableName, stationStreamName } from "../../src/broker/memphis/names.js";
import type { BrokerOptions } from "../../src/broker/options.js";
import { DLS_HEADERS } from "../../testkit/memphis-control-plane.js";
import type { MemphisStandIn } from "../../testkit/memphis-stand-in.js";
import type { DeadLetter } from "../integration/broker/helpers.js";
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

/** Pull requests waiting at the stand-in for the group of `options` (JetStream's `num_waiting`). */
export function memphisWaitingPulls(standIn: MemphisStandIn): (options: BrokerOptions) => Promise<number> {
  return async (options) => {
    const jsm = await jetstreamManager(standIn.connection);
    const info = await jsm.consumers.info(
      stationStreamName(options.stream),
      durableName(options.consumerGroup),
    );
    return info.num_waiting;
  };
}
