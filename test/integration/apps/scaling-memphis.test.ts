/**
 * The local scaler on BROKER=memphis, against the TEST-ONLY Memphis stand-in: the lag is read for
 * stream `events$1` and durable `event-consumers` in account `$memphis`, as the dev ScaledObject's
 * trigger names them.
 */
import { stationStreamName } from "../../../src/broker/memphis/names.js";
import { startMemphisStandIn } from "../../../testkit/memphis-stand-in.js";
import { describeScalingSuite } from "./scaling-suite.js";

describeScalingSuite("memphis", async () => {
  const standIn = await startMemphisStandIn();
  return {
    env: standIn.env,
    connection: standIn.connection,
    streamName: stationStreamName("events"),
    stop: () => standIn.stop(),
  };
});
