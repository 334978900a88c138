/**
 * Turns a NATS connection's status stream (the NATS client's own, or the one inside the Memphis
 * SDK) into the port's events: disconnect, reconnect and error; every other status is ignored.
 */
import type { BrokerEvent } from "../port.js";

/** The part of a status both NATS client generations (nats-core 3, nats 2 in memphis-dev) share. */
export interface ConnectionStatus {
  readonly type: string;
}

/** Emit a port event for every disconnect, reconnect and error until the stream ends. */
export async function watchConnection<S extends ConnectionStatus>(
  statuses: AsyncIterable<S>,
  emit: (event: BrokerEvent) => void,
  errorOf: (status: S) => Error,
): Promise<void> {
  try {
    for await (const status of statuses) {
      if (status.type === "disconnect") emit({ type: "disconnected" });
      else if (status.type === "reconnect") emit({ type: "reconnected" });
      else if (status.type === "error") emit({ type: "error", error: errorOf(status) });
    }
  } catch {
    // The status stream ends with the connection.
  }
}
