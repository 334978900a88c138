// A small Kubernetes API client over Node's https with a client certificate: requests, discovery (which resource
// and scope serve a kind) and server-side apply (PATCH application/apply-patch+yaml), which is what kubectl
// apply --server-side sends.
import { request, Agent } from "node:https";
import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import type { ClientCertificate } from "./pki.js";

/** A Kubernetes object as the manifests hold it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name?: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly warnings: readonly string[];
}

/** A request the server answered with a status >= 400; `body` is its Status object. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    const message = (body as { message?: string } | undefined)?.message ?? JSON.stringify(body);
    super(`${what}: HTTP ${status}: ${message}`);
  }
}

interface ApiResource {
  readonly name: string;
  readonly namespaced: boolean;
  readonly kind: string;
}

/** A ServiceAccount token (from the TokenRequest API). */
export interface BearerToken {
  readonly token: string;
}

/** The field manager every apply of the tests uses. */
export const FIELD_MANAGER = "control-plane-test";

export class KubeApiClient {
  private readonly agent: Agent;
  private readonly authorization: Record<string, string>;
  private readonly discovery = new Map<string, readonly ApiResource[]>();

  constructor(
    /** e.g. `https://127.0.0.1:6443` */
    readonly server: string,
    caCertFile: string,
    identity: ClientCertificate | BearerToken,
  ) {
    const certificate =
      "cert" in identity ? { cert: readFileSync(identity.cert), key: readFileSync(identity.key) } : {};
    this.agent = new Agent({ ca: readFileSync(caCertFile), ...certificate, keepAlive: true });
    this.authorization = "token" in identity ? { Authorization: `Bearer ${identity.token}` } : {};
  }

  /** Sends one request; rejects with ApiError for status >= 400. */
  async request(
    method: string,
    path: string,
    body?: { readonly contentType: string; readonly text: string },
  ): Promise<ApiResponse> {
    const url = new URL(path, this.server);
    const response = await new Promise<{ status: number; text: string; warnings: string[] }>(
      (resolve, reject) => {
        const req = request(
          url,
          {
            method,
            agent: this.agent,
            headers: {
              Accept: "application/json",
              ...this.authorization,
              ...(body
                ? { "Content-Type": body.contentType, "Content-Length": Buffer.byteLength(body.text) }
                : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => {
              const warning = res.headers.warning;
              resolve({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString("utf8"),
                warnings: warning === undefined ? [] : warning.split(/,(?=\s*\d{3} )/).map((w) => w.trim()),
              });
            });
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        if (body) req.write(body.text);
        req.end();
      },
    );
    let parsed: unknown = response.text;
    try {
      parsed = JSON.parse(response.text);
    } catch {
      // not JSON (e.g. /readyz): keep the text
    }
    if (response.status >= 400) throw new ApiError(response.status, parsed, `${method} ${path}`);
    return { status: response.status, body: parsed, warnings: response.warnings };
  }

  async get(path: string): Promise<unknown> {
    return (await this.request("GET", path)).body;
  }

  /** The path of a group version: `/api/v1` or `/apis/<group>/<version>`. */
  static groupVersionPath(apiVersion: string): string {
    return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  }

  /** The resource serving `kind` in `apiVersion`; re-reads discovery once when it is not (yet) known. */
  async resourceFor(apiVersion: string, kind: string): Promise<ApiResource> {
    const lookup = async (refresh: boolean): Promise<ApiResource | undefined> => {
      if (refresh || !this.discovery.has(apiVersion)) {
        try {
          const list = (await this.get(KubeApiClient.groupVersionPath(apiVersion))) as {
            resources: ApiResource[];
          };
          this.discovery.set(
            apiVersion,
            list.resources.filter((r) => !r.name.includes("/")),
          );
        } catch (error) {
          if (error instanceof ApiError && error.status === 404) this.discovery.set(apiVersion, []);
          else throw error;
        }
      }
      return this.discovery.get(apiVersion)?.find((r) => r.kind === kind);
    };
    const found = (await lookup(false)) ?? (await lookup(true));
    if (found === undefined) throw new Error(`the API server serves no ${kind} in ${apiVersion}`);
    return found;
  }

  /** The REST path of `object` (its namespace defaulted to `defaultNamespace` when it is namespaced). */
  async objectPath(object: KubeObject, defaultNamespace?: string): Promise<string> {
    const resource = await this.resourceFor(object.apiVersion, object.kind);
    const name = object.metadata.name;
    if (!name) throw new Error(`${object.kind} without metadata.name`);
    const base = KubeApiClient.groupVersionPath(object.apiVersion);
    if (!resource.namespaced) return `${base}/${resource.name}/${encodeURIComponent(name)}`;
    const namespace = object.metadata.namespace ?? defaultNamespace;
    if (!namespace) throw new Error(`namespaced ${object.kind}/${name} has no namespace`);
    return `${base}/namespaces/${namespace}/${resource.name}/${encodeURIComponent(name)}`;
  }

  /**
   * Server-side apply of `object`. fieldValidation=Strict makes a field the server does not know an error
   * instead of a warning, as `kubectl apply --server-side` does by default.
   */
  async apply(object: KubeObject, defaultNamespace?: string): Promise<ApiResponse> {
    const path = await this.objectPath(object, defaultNamespace);
    const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, fieldValidation: "Strict" });
    return this.request("PATCH", `${path}?${query.toString()}`, {
      contentType: "application/apply-patch+yaml",
      text: stringify(object),
    });
  }

  /** Closes the keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}
