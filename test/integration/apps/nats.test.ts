/** The app suite against a real nats-server (fresh store per test). */
import { NatsServer } from "../../support/nats-server.js";
import { describePipelineSuite } from "./pipeline-suite.js";

describePipelineSuite("nats", async () => {
  const server = await NatsServer.start();
  return {
    env: server.appEnv,
    capabilities: { dedup: true },
    server,
    stop: () => server.stop(),
  };
});
