export { NatsServer, freePort, type NatsServerOptions } from "../../scripts/lib/nats-server.js";
