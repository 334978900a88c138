/**
 * The local dashboard page on 127.0.0.1: static files (page/), uPlot from node_modules, the
 * committed dashboards/*.json, the run's settings and scaling events, and Prometheus's read API
 * proxied under /api/v1/ (same origin, so the page needs no CORS and nothing from outside).
 */
import { once } from "node:events";
import { readdir, readFile } from "node:fs/promises";
import { createServer, type Server, type ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../../tooling/repo-root.js";
import { BROKER_EXPORTER_METRIC_PREFIXES } from "../../dashboards/src/broker-exporter.js";

const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), "static");
const UPLOT_DIR = join(REPO_ROOT, "node_modules", "uplot", "dist");
const DASHBOARDS_DIR = join(REPO_ROOT, "dashboards");

/** Static files: URL path → file and content type. */
const FILES: Record<string, readonly [string, string]> = {
  "/": [join(PAGE_DIR, "index.html"), "text/html; charset=utf-8"],
  "/app.js": [join(PAGE_DIR, "app.js"), "text/javascript; charset=utf-8"],
  "/panels.js": [join(PAGE_DIR, "panels.js"), "text/javascript; charset=utf-8"],
  "/style.css": [join(PAGE_DIR, "style.css"), "text/css; charset=utf-8"],
  "/uPlot.iife.min.js": [join(UPLOT_DIR, "uPlot.iife.min.js"), "text/javascript; charset=utf-8"],
  "/uPlot.min.css": [join(UPLOT_DIR, "uPlot.min.css"), "text/css; charset=utf-8"],
};

/** The Prometheus read endpoints the page uses. */
const PROXIED = /^\/api\/v1\/(query_range|query|alerts|label\/[a-zA-Z_][a-zA-Z0-9_]*\/values)(\?|$)/;

/** A scaling event as the page lists it. */
export interface PageEvent {
  /** Unix ms. */
  readonly at: number;
  readonly text: string;
}

export interface PageSettings {
  /** Shown in the header, e.g. "dev manifests, speed 10". */
  readonly title: string;
  /** Prometheus's scrape interval (for `$__rate_interval`). */
  readonly scrapeIntervalSeconds: number;
  /** When the run started (Unix ms): the charts start there. */
  readonly startedAtMs: number;
  /** Seconds between refreshes. */
  readonly refreshSeconds: number;
  /** Values of the dashboards' text-box variables that differ locally (none today: the defaults). */
  readonly variables: Readonly<Record<string, string>>;
}

export interface DashboardPageProps {
  readonly prometheusUrl: string;
  readonly settings: PageSettings;
  /** The latest events, oldest first. */
  readonly events: () => readonly PageEvent[];
}

export class DashboardPage {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  static async start(props: DashboardPageProps): Promise<DashboardPage> {
    const server = createServer((request, response) => {
      const url = request.url ?? "/";
      const fail = (error: unknown) => {
        if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
        response.end(String((error as Error).message ?? error));
      };
      if (request.method !== "GET") {
        response.writeHead(405).end();
        return;
      }
      if (PROXIED.test(url)) {
        void fetch(`${props.prometheusUrl}${url}`, { signal: AbortSignal.timeout(10_000) })
          .then(async (upstream) => {
            response.writeHead(upstream.status, { "content-type": "application/json" });
            response.end(Buffer.from(await upstream.arrayBuffer()));
          })
          .catch(fail);
        return;
      }
      if (url === "/dashboards.json") {
        void readDashboards()
          .then((dashboards) => json(response, dashboards))
          .catch(fail);
        return;
      }
      if (url === "/settings.json") {
        json(response, { ...props.settings, exporterMetricPrefixes: BROKER_EXPORTER_METRIC_PREFIXES });
        return;
      }
      if (url === "/events.json") {
        json(response, props.events());
        return;
      }
      const file = FILES[url];
      if (file === undefined) {
        response.writeHead(404).end();
        return;
      }
      void readFile(file[0])
        .then((body) => response.writeHead(200, { "content-type": file[1] }).end(body))
        .catch(fail);
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("dashboard page: no port");
    return new DashboardPage(server, address.port);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function json(response: ServerResponse, value: unknown): void {
  response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(value));
}

/** The committed dashboards, in file-name order. */
async function readDashboards(): Promise<unknown[]> {
  const files = (await readdir(DASHBOARDS_DIR)).filter((f) => f.endsWith(".json")).sort();
  return Promise.all(
    files.map(async (f) => JSON.parse(await readFile(join(DASHBOARDS_DIR, f), "utf8")) as unknown),
  );
}
