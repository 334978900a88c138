import type { BrokerOptions } from "./options.js";
import type { Broker } from "./port.js";

export type * from "./port.js";
export type { BrokerOptions } from "./options.js";

/**
 * Connect the adapter selected by `options.kind`. Adapters are loaded lazily so that the
 * NATS path never loads the Memphis SDK (and its heavy dependency tree).
 */
export async function connectBroker(options: BrokerOptions): Promise<Broker> {
  switch (options.kind) {
    case "nats": {
      const { NatsBroker } = await import("./nats/nats-broker.js");
      return NatsBroker.connect(options);
    }
    case "memphis": {
      const { MemphisBroker } = await import("./memphis/memphis-broker.js").catch(explainMissingSdk);
      return MemphisBroker.connect(options);
    }
  }
}

/** The SDK is an optional dependency: images built with BROKER=nats leave it out (see Dockerfile). */
function explainMissingSdk(error: unknown): never {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ERR_MODULE_NOT_FOUND" && String(error).includes("'memphis-dev'"))
    throw new Error(
      "BROKER=memphis, but memphis-dev is not installed: this is a BROKER=nats image " +
        "(Dockerfile build argument); deploy the image built with BROKER=memphis",
      { cause: error },
    );
  throw error;
}
