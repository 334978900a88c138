/**
 * The apps' HTTP endpoint (node:http): `/livez` (the process serves), `/readyz` (200 only while
 * ready, 503 with the failing conditions otherwise) and `/metrics` (Prometheus text).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { Readiness } from "./readiness.js";

export interface HttpServerProps {
  /** Port to listen on; 0 picks a free one (see `AppHttpServer.port`). */
  readonly port: number;
  /**
   * Listen address.
   * @default "0.0.0.0"
   */
  readonly host?: string;
  readonly registry: Registry;
  readonly readiness: Readiness;
}

export class AppHttpServer {
  private constructor(private readonly server: Server) {}

  static async start(props: HttpServerProps): Promise<AppHttpServer> {
    const server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD" }).end();
        return;
      }
      if (path === "/livez") {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      } else if (path === "/readyz") {
        const ready = props.readiness.ready;
        res
          .writeHead(ready ? 200 : 503, { "content-type": "text/plain" })
          .end(ready ? "ready\n" : `not ready: ${props.readiness.reasons.join(", ")}\n`);
      } else if (path === "/metrics") {
        props.registry.metrics().then(
          (text) => res.writeHead(200, { "content-type": props.registry.contentType }).end(text),
          (error: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${error.message}\n`),
        );
      } else {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      }
    });
    server.keepAliveTimeout = 65_000;
    // One listener for each outcome: `once(server, "listening")` rejects on "error" by itself, with
    // the bare error, before a second `once` for "error" could add the variable's name.
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        server.off("listening", onListening);
        reject(
          new Error(`HTTP_PORT ${props.port}: ${error.code ?? "error"}: cannot listen (${error.message})`),
        );
      };
      const onListening = () => {
        server.off("error", onError);
        resolve();
      };
      server.once("error", onError).once("listening", onListening);
      server.listen(props.port, props.host ?? "0.0.0.0");
    });
    return new AppHttpServer(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
