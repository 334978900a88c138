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

  /** Connections currently open through the proxy (both sides counted). */
  get openConnections(): number {
    return this.sockets.size;
  }

  close(): Promise<void> {
    return this.cut();
  }
}
