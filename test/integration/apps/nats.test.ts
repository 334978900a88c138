/** The app suite against a real nats-server (fresh store per test). */
import { NatsServer } from "../../support/nats-server.js";
import { readGroupDepth, readStreamIds, withConnection } from "../../support/jetstream-readback.js";
import { describePipelineSuite } from "./pipeline-suite.js";

describePipelineSuite("nats", async () => {
  const server = await NatsServer.start();
  return {
    env: server.appEnv,
    capabilities: { dedup: true, ackConfirmationTimeout: true, detectsSilentPeer: true },
    urlFor: (port) => `nats://127.0.0.1:${port}`,
    storedIds: () => withConnection(server.url, (nc) => readStreamIds(nc, "events")),
    groupDepth: () => withConnection(server.url, (nc) => readGroupDepth(nc, "events", "event-consumers")),
    server,
    stop: () => server.stop(),
  };
});
