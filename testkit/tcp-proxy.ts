/**
 * A TCP proxy on loopback between the apps and a broker, for network faults that leave both
 * processes running: `cut()` resets every connection through it and refuses new ones (a network
 * partition as the client sees it, while the broker keeps its state), `restore()` accepts again on
 * the same port.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { freePort } from "./nats-server.js";

export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Client side and upstream side of each forwarded connection. */
  private readonly pairs = new Set<readonly [Socket, Socket]>();

  private constructor(
    /** Port the proxy listens on (127.0.0.1). */
    readonly port: number,
    private readonly targetPort: number,
  ) {}

  /** Listen on a free loopback port and forward to `127.0.0.1:targetPort`. */
  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), targetPort);
    await proxy.restore();
    return proxy;
  }

  /** Accept and forward connections (again). */
  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => {
      const upstream = createConnection({ host: "127.0.0.1", port: this.targetPort });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      const pair = [client, upstream] as const;
      this.pairs.add(pair);
      client.on("close", () => this.pairs.delete(pair));
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.server = server;
  }

  /** Reset every open connection and stop accepting new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.resetAndDestroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Stop forwarding and stop reading on every open connection, in both directions, and leave the
   * sockets open: what a client sees when the network between it and the broker drops every packet
   * without a reset (a partition). The client's writes pile up in its socket until its send buffer
   * is full. New connections are still forwarded (the network heals for them).
   */
  blackhole(): void {
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    this.pairs.clear();
  }

  /** Connections currently open through the proxy (both sides counted). */
  get openConnections(): number {
    return this.sockets.size;
  }

  close(): Promise<void> {
    return this.cut();
  }
}
