/**
 * The NATS chart's values (chart 2.14.2, values.yaml and files/ at tag nats-2.14.2 of nats-io/k8s):
 * cluster and JetStream sizing, the users and authenticated routes of ../lib/nats-authorization.ts, the
 * passwords from the sealed `nats-users` Secret, resources on every container, and no nats-box.
 */
import { natsRouteHostPort } from "../lib/broker-endpoints.js";
import type { MessagingSettings } from "../lib/messaging.js";
import { natsAuthorizationConfig, natsClusterConfig, natsContainerEnv } from "../lib/nats-authorization.js";

/** Requests and limits of one container; memory limit in MiB. */
export interface PlatformContainerResources {
  readonly cpuRequestMillis: number;
  readonly memoryRequestMebibytes: number;
  readonly memoryLimitMebibytes: number;
}

/**
 * Sizes of the NATS pod's containers. The server's memory request equals its limit (JetStream
 * keeps its indexes and in-flight messages in memory; a node evicted first under pressure would
 * cost its replicas a catch-up); no CPU limit (throttling a route stalls the whole cluster's RAFT).
 */
export const NATS_RESOURCES = {
  nats: { cpuRequestMillis: 250, memoryRequestMebibytes: 1024, memoryLimitMebibytes: 1024 },
  reloader: { cpuRequestMillis: 10, memoryRequestMebibytes: 32, memoryLimitMebibytes: 64 },
  promExporter: { cpuRequestMillis: 10, memoryRequestMebibytes: 32, memoryLimitMebibytes: 64 },
} as const satisfies Record<string, PlatformContainerResources>;

/**
 * Share of the memory limit given to the Go runtime as its soft limit (GOMEMLIMIT): the collector
 * works harder near it instead of the kernel killing the server at the limit, and the rest covers
 * what the Go heap does not count (stacks, buffers). NATS recommends GOMEMLIMIT below the
 * container limit (values.yaml `container.env` example: GOMEMLIMIT).
 */
export const GOMEMLIMIT_SHARE = 0.8;

/** GOMEMLIMIT for a memory limit of `limitMebibytes`, in the Go runtime's syntax. */
export function goMemoryLimit(limitMebibytes: number): string {
  return `${Math.floor(limitMebibytes * GOMEMLIMIT_SHARE)}MiB`;
}

/** A container's `resources` as the chart's `<container>.merge` takes it. */
export function resourcesMerge(r: PlatformContainerResources): { resources: Record<string, unknown> } {
  return {
    resources: {
      requests: { cpu: `${r.cpuRequestMillis}m`, memory: `${r.memoryRequestMebibytes}Mi` },
      limits: { memory: `${r.memoryLimitMebibytes}Mi` },
    },
  };
}

export interface NatsValuesProps {
  /** Server nodes; above 1 a cluster with authenticated routes. */
  readonly nodes: number;
  /** JetStream file store per node. */
  readonly storageGibibytes: number;
  /** Stream, dead-letter stream and group the users' permissions name. */
  readonly messaging: Pick<MessagingSettings, "stream" | "deadLetterStream" | "consumerGroup">;
  /** The sealed Secret holding every user's password. */
  readonly usersSecretName: string;
}

/** Every value the NATS Application sets. */
export function natsChartValues(p: NatsValuesProps): Record<string, unknown> {
  const clustered = p.nodes > 1;
  const r = NATS_RESOURCES;
  return {
    config: {
      cluster: {
        enabled: clustered,
        replicas: p.nodes,
        ...(clustered ? { merge: natsClusterConfig(p.nodes) } : {}),
      },
      jetstream: { enabled: true, fileStore: { pvc: { size: `${p.storageGibibytes}Gi` } } },
      // templates/config-map.yaml → files/config/config.yaml, `config.merge` merged over it: the
      // users are the only way in (no `no_auth_user`, so anonymous clients are refused).
      merge: natsAuthorizationConfig(p.messaging),
    },
    container: {
      env: {
        ...natsContainerEnv(
          p.usersSecretName,
          clustered ? { nodes: p.nodes, routeHostPort: natsRouteHostPort } : undefined,
        ),
        GOMEMLIMIT: goMemoryLimit(r.nats.memoryLimitMebibytes),
      },
      merge: resourcesMerge(r.nats),
    },
    reloader: { merge: resourcesMerge(r.reloader) },
    promExporter: { enabled: true, merge: resourcesMerge(r.promExporter) },
    // A shell with the NATS CLI and contexts for the server: not deployed (values.yaml natsBox.enabled).
    natsBox: { enabled: false },
  };
}
