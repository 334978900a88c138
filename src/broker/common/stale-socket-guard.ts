/**
 * Makes a connection that the client found stale really reconnect while it is busy.
 *
 * When `maxPingOut` PINGs go unanswered, the client's protocol dispatches a `staleConnection`
 * status and calls its transport's `disconnect()` (@nats-io/nats-core 3.3 lib/protocol.js
 * `disconnect()`; the same in nats 2.29, inside memphis-dev). The Node transport's `_closed()` then
 * first awaits the write of an empty frame, and only after it destroys the socket and lets the
 * client reconnect (@nats-io/transport-node 3.3.1 and 3.4.0 lib/node_transport.js `_closed`; nats
 * 2.29 lib/src/node_transport.js). That write completes once the socket's send buffer has room.
 * Across a network partition no byte is acknowledged, so a client that kept writing (a producer
 * publishing, a consumer acking) has a full buffer, and it stays on the dead connection for as long
 * as the kernel keeps retransmitting (minutes; the negative control of
 * test/integration/broker/stale-connection.test.ts, a busy client without this guard, never
 * reconnects). An idle client's buffer is empty and it reconnects at once.
 *
 * The guard watches the statuses: after a `staleConnection` with no `disconnect` within `graceMs`,
 * it destroys the transport's socket. The pending write then fails, `_closed()` carries on and the
 * client reconnects exactly as for an idle connection (its own reconnect loop, server list and
 * back-off). Nothing buffered in that socket was going to arrive anyway; what the app has not had
 * confirmed (publish acks, ack confirmations) fails and is retried or redelivered as after any
 * connection loss.
 *
 * The socket is reached through the client's `protocol.transport.socket`, which neither generation
 * exposes in its types: when that path is missing (a client upgrade changed it) the guard reports an
 * error instead of silently doing nothing, and the stale-socket test fails.
 */
import type { ConnectionStatus, StatusSource } from "./connection-status.js";

interface DestroyableSocket {
  readonly destroyed?: boolean;
  destroy(error?: Error): void;
}

/** The transport's socket, if the client still has it at the path both generations use. */
function socketOf(connection: object): DestroyableSocket | undefined | null {
  const protocol = (connection as { protocol?: { transport?: { socket?: unknown } } }).protocol;
  if (protocol?.transport === undefined) return null;
  const socket = protocol.transport.socket;
  if (socket === undefined) return undefined; // already closed
  return typeof (socket as DestroyableSocket).destroy === "function" ? (socket as DestroyableSocket) : null;
}

/** What the guard does when it acts, or cannot. */
export interface StaleSocketGuardProps {
  /** How long the client's own close may take before the socket is destroyed (ms). */
  readonly graceMs: number;
  /** Called when the socket was destroyed (`forced`) or could not be found (`unreachable`). */
  readonly report: (outcome: "forced" | "unreachable", detail: string) => void;
}

/** Guard `connection` until its status stream ends (the connection closed). */
export async function guardStaleSocket<S extends ConnectionStatus>(
  connection: StatusSource<S>,
  props: StaleSocketGuardProps,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const disarm = (): void => {
    clearTimeout(timer);
    timer = undefined;
  };
  try {
    for await (const status of connection.status()) {
      if (status.type === "staleConnection") {
        disarm();
        timer = setTimeout(() => {
          timer = undefined;
          const socket = socketOf(connection);
          if (socket === null) {
            props.report("unreachable", "the client's socket is not at protocol.transport.socket");
            return;
          }
          if (socket === undefined || socket.destroyed === true) return;
          socket.destroy(new Error(`stale connection not closed within ${props.graceMs} ms`));
          props.report(
            "forced",
            `stale connection still open ${props.graceMs} ms later (send buffer full): socket destroyed to reconnect`,
          );
        }, props.graceMs);
        timer.unref();
      } else if (status.type === "disconnect") {
        disarm();
      }
    }
  } catch {
    // The status stream ends with the connection.
  } finally {
    disarm();
  }
}
