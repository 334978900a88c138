/**
 * Watches a NATS connection (the NATS client's own, or the one inside the Memphis SDK): its status
 * stream becomes the port's events (disconnect, reconnect and error; every other status is
 * ignored), and a stale connection that does not close by itself has its socket destroyed so that
 * the client reconnects (./stale-socket-guard.ts).
 */
import type { BrokerEvent } from "../port.js";
import { BROKER_DEFAULTS } from "../defaults.js";
import type { ConnectionStatus, StatusSource } from "./connection-status.js";
import { guardStaleSocket } from "./stale-socket-guard.js";

/** How a watched connection reports. */
export interface ConnectionWatchProps<S extends ConnectionStatus> {
  /** The connection in messages, e.g. "NATS" or "Memphis". */
  readonly name: string;
  readonly emit: (event: BrokerEvent) => void;
  /** The error an `error` status stands for. */
  readonly errorOf: (status: S) => Error;
}

/** Emit a port event for every disconnect, reconnect and error, and guard against a stale socket, until the connection closes. */
export function watchConnection<S extends ConnectionStatus>(
  connection: StatusSource<S>,
  props: ConnectionWatchProps<S>,
): void {
  const { emit } = props;
  void guardStaleSocket(connection, {
    graceMs: BROKER_DEFAULTS.staleCloseGraceMs,
    report: (_outcome, detail) =>
      emit({ type: "error", error: new Error(`${props.name} connection: ${detail}`) }),
  });
  void (async () => {
    try {
      for await (const status of connection.status()) {
        if (status.type === "disconnect") emit({ type: "disconnected" });
        else if (status.type === "reconnect") emit({ type: "reconnected" });
        else if (status.type === "error") emit({ type: "error", error: props.errorOf(status) });
      }
    } catch {
      // The status stream ends with the connection.
    }
  })();
}
