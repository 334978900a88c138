/**
 * The app suite on BROKER=memphis, against the TEST-ONLY Memphis stand-in (fresh per test): the real
 * producer and consumer processes use the memphis-dev SDK against a nats-server with account
 * `$memphis` whose control plane is answered the way a Memphis broker answers it.
 *
 * The stand-in cannot deduplicate on `msg-id` (a real Memphis broker does), so after a broker crash
 * the stream may hold a retried message twice; the consumer's idempotent sink still keeps duplicate
 * effects at 0, which the suite checks.
 */
import { startMemphisStandIn } from "../../../testkit/memphis-stand-in.js";
import { stationStreamName } from "../../../src/broker/memphis/names.js";
import { readGroupDepth, readStreamIds } from "../../support/jetstream-readback.js";
import { describePipelineSuite } from "./pipeline-suite.js";

describePipelineSuite("memphis", async () => {
  const standIn = await startMemphisStandIn();
  return {
    env: standIn.env,
    capabilities: { dedup: false, ackConfirmationTimeout: true, detectsSilentPeer: false },
    urlFor: (port) => `127.0.0.1:${port}`,
    storedIds: () => readStreamIds(standIn.connection, stationStreamName("events")),
    groupDepth: () => readGroupDepth(standIn.connection, stationStreamName("events"), "event-consumers"),
    server: standIn.server,
    stop: () => standIn.stop(),
  };
});
