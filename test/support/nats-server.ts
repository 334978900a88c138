export { NatsServer, freePort, natsAppEnv, type NatsServerOptions } from "../../testkit/nats-server.js";
