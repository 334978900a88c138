/** The local scaler against a real nats-server (fresh store). */
import { connect } from "@nats-io/transport-node";
import { NatsServer } from "../../support/nats-server.js";
import { describeScalingSuite } from "./scaling-suite.js";

describeScalingSuite("nats", async () => {
  const server = await NatsServer.start();
  const connection = await connect({ servers: server.url });
  return {
    env: server.appEnv,
    connection,
    streamName: "events",
    async stop() {
      await connection.close();
      await server.stop();
    },
  };
});
