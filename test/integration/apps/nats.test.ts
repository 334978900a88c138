/** The app suite against a real nats-server (fresh store per test). */
import { NatsServer } from "../../support/nats-server.js";
import { describePipelineSuite } from "./pipeline-suite.js";

describePipelineSuite("nats", async () => {
  const server = await NatsServer.start();
  return {
    env: {
      BROKER: "nats",
      BROKER_URL: server.url,
      BROKER_MONITOR_URL: server.monitorUrl,
      BROKER_ACCOUNT: "$G",
    },
    capabilities: { dedup: true },
    server,
    stop: () => server.stop(),
  };
});
