export { NatsServer, freePort, natsAppEnv, type NatsServerOptions } from "../../scripts/lib/nats-server.js";
