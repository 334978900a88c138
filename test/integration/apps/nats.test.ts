/** The app suite against a real nats-server (fresh store per test). */
import { NatsServer } from "../../support/nats-server.js";
import { readStreamIdsAt } from "../../support/stream-ids.js";
import { describePipelineSuite } from "./pipeline-suite.js";

describePipelineSuite("nats", async () => {
  const server = await NatsServer.start();
  return {
    env: server.appEnv,
    capabilities: { dedup: true },
    storedIds: () => readStreamIdsAt(server.url, "events"),
    server,
    stop: () => server.stop(),
  };
});
