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
      const { MemphisBroker } = await import("./memphis/memphis-broker.js");
      return MemphisBroker.connect(options);
    }
  }
}
