/**
 * Who may do what on the NATS broker: one user per role of the pipeline, each allowed exactly the
 * subjects its work needs, and authenticated routes between the broker's nodes. The one source of
 * the NATS configuration fragment: the NATS Application feeds `natsAuthorizationConfig` to the
 * chart's `config.merge` and `natsClusterConfig` to `config.cluster.merge`, and the tests start a
 * real nats-server with `formatNatsConfig` of the same objects.
 *
 * Users with passwords, not NKeys or JWTs: the apps already take a user and a password
 * (BROKER_USERNAME / BROKER_PASSWORD), the passwords come sealed from git like every other
 * credential here, and the permissions stay in this file, reviewed with the code. Operator JWTs
 * would add a resolver, an operator and account signing keys to keep and rotate, and buy what a
 * multi-tenant broker needs (accounts managed at runtime), not this one.
 *
 * The users live in the server's global account (`NATS_NAMING.account`, "$G"): one tenant needs no
 * account boundary, and the queue-depth reads (`/jsz?acc=`) keep naming the one account every
 * place derives from NATS_NAMING. `/jsz` is on the HTTP monitoring port, which takes no client
 * credentials at all (nats-server server/monitor.go): the NetworkPolicy of the broker's namespace
 * limits who reaches it.
 *
 * JetStream API subjects as nats-server 2.10 names them (server/jetstream_api.go `JSApi*`).
 * Anything not allowed is refused, so nothing gets `$JS.API.>`, purge or delete.
 */
import { NATS_NAMING, natsInboxPrefix, streamSubjects } from "../../src/broker/nats/names.js";

import { BROKER_ROLES, type BrokerRole } from "../lib/app-environment.js";
import type { MessagingSettings } from "../lib/messaging.js";

/** The roles that connect as clients: the pipeline's. */
export const NATS_CLIENT_ROLES = BROKER_ROLES;
export type NatsClientRole = BrokerRole;

/** The user name of each role (not secret: the passwords are). */
export const NATS_USERNAMES: Readonly<Record<NatsClientRole, string>> = {
  producer: "producer",
  consumer: "consumer",
  provisioner: "provisioner",
};

/** The user every node presents to the others on the route port. */
export const NATS_ROUTE_USERNAME = "route";

/**
 * Key of each password in the sealed Secret, which is also the name of the nats container's
 * environment variable holding it (the configuration refers to `$<key>`).
 */
export const NATS_PASSWORD_KEYS = {
  producer: "PRODUCER_PASSWORD",
  consumer: "CONSUMER_PASSWORD",
  provisioner: "PROVISIONER_PASSWORD",
  route: "ROUTE_PASSWORD",
} as const satisfies Readonly<Record<NatsClientRole | "route", string>>;

/**
 * What a NATS password may be. nats-server resolves `$VAR` by parsing the variable's value as
 * configuration (nats-io/nats-server server/conf/parse.go `lookupVariable`), so a value must read
 * as one bare string (a leading digit makes it a number, `#` a comment), and the route password
 * also goes into a URL: a letter, then letters and digits, at least 24 in all.
 */
export const NATS_PASSWORD_PATTERN = /^[A-Za-z][A-Za-z0-9]{23,}$/;

/** Why `password` cannot be a NATS password, or undefined when it can. */
export function natsPasswordProblem(password: string): string | undefined {
  return NATS_PASSWORD_PATTERN.test(password)
    ? undefined
    : "a NATS password must be a letter followed by letters and digits, at least 24 characters (nats-server parses it as configuration)";
}

/** Environment variable of the nats container holding the route URL of node `index` with credentials. */
export function natsRouteUrlVariable(index: number): string {
  return `ROUTE_URL_${index}`;
}

/** The names the permissions are about. */
export type NatsMessagingNames = Pick<MessagingSettings, "stream" | "deadLetterStream" | "consumerGroup">;

/** A user's permissions as nats-server takes them: everything not allowed is refused. */
export interface NatsPermissions {
  readonly publish: { readonly allow: readonly string[] };
  readonly subscribe: { readonly allow: readonly string[] };
}

/** The subjects each role may publish to and subscribe to. */
export function natsPermissions(role: NatsClientRole, names: NatsMessagingNames): NatsPermissions {
  const stream = NATS_NAMING.streamName(names.stream);
  const deadLetters = NATS_NAMING.streamName(names.deadLetterStream);
  const durable = NATS_NAMING.durableName(names.consumerGroup);
  // Replies (publish acks, API answers, pulled messages) come to the user's own inbox prefix only.
  const ownInbox = `${natsInboxPrefix(NATS_USERNAMES[role])}.>`;
  // jetstreamManager() checks the account's JetStream with `$JS.API.INFO` when it is created.
  const accountInfo = "$JS.API.INFO";
  switch (role) {
    case "producer":
      return {
        publish: { allow: [accountInfo, streamSubjects(stream)] },
        subscribe: { allow: [ownInbox] },
      };
    case "consumer":
      return {
        publish: {
          allow: [
            accountInfo,
            `$JS.API.CONSUMER.INFO.${stream}.${durable}`,
            `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`,
            // ack, nak, in-progress (extends the ack wait) and term of the group's deliveries
            `$JS.ACK.${stream}.${durable}.>`,
            streamSubjects(deadLetters),
          ],
        },
        subscribe: {
          allow: [ownInbox, `$JS.EVENT.ADVISORY.CONSUMER.LEADER_ELECTED.${stream}.${durable}`],
        },
      };
    case "provisioner":
      return {
        publish: {
          allow: [
            accountInfo,
            ...[stream, deadLetters].flatMap((s) => [
              `$JS.API.STREAM.CREATE.${s}`,
              `$JS.API.STREAM.UPDATE.${s}`,
              `$JS.API.STREAM.INFO.${s}`,
            ]),
            `$JS.API.CONSUMER.CREATE.${stream}.${durable}`,
            `$JS.API.CONSUMER.CREATE.${stream}.${durable}.>`,
            `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${durable}`,
            `$JS.API.CONSUMER.INFO.${stream}.${durable}`,
          ],
        },
        subscribe: { allow: [ownInbox] },
      };
  }
}

/**
 * A value the chart writes unquoted (`<< … >>`, nats chart 2.14.2 values.yaml `config.merge` and
 * templates/_helpers.tpl `nats.formatConfig`): here, a reference to an environment variable.
 */
export function natsUnquoted(text: string): string {
  return `<< ${text} >>`;
}

function variable(name: string): string {
  return natsUnquoted(`$${name}`);
}

/** The top-level `authorization` block (chart value `config.merge`): the users and their permissions. */
export function natsAuthorizationConfig(names: NatsMessagingNames): {
  authorization: Record<string, unknown>;
} {
  return {
    authorization: {
      users: NATS_CLIENT_ROLES.map((role) => ({
        user: NATS_USERNAMES[role],
        password: variable(NATS_PASSWORD_KEYS[role]),
        permissions: natsPermissions(role, names),
      })),
    },
  };
}

/**
 * The cluster block's route credentials (chart value `config.cluster.merge`). The chart's own
 * `config.cluster.routeURLs.user/password` would write the password into the ConfigMap in clear
 * (files/config/cluster.yaml), and nats-server does not present `cluster.authorization` on the
 * routes it lists (only on discovered ones), so each route URL carries the credentials and comes
 * from a variable the container's environment builds from the sealed password
 * (`natsContainerEnv`). `mergeOverwrite` replaces the chart's `routes` list with these.
 */
export function natsClusterConfig(nodes: number): {
  authorization: Record<string, unknown>;
  routes: string[];
} {
  return {
    authorization: { user: NATS_ROUTE_USERNAME, password: variable(NATS_PASSWORD_KEYS.route) },
    routes: Array.from({ length: nodes }, (_, i) => variable(natsRouteUrlVariable(i))),
  };
}

/** A route URL with the route user's credentials, given the password as the text to put in it. */
export function natsRouteUrl(hostPort: string, password: string): string {
  return `nats://${NATS_ROUTE_USERNAME}:${password}@${hostPort}`;
}

/** What the container's environment needs to know about the cluster. */
export interface NatsClusterAddresses {
  /** Nodes of the StatefulSet. */
  readonly nodes: number;
  /** host:port of node `index`'s route port. */
  readonly routeHostPort: (index: number) => string;
}

/**
 * The nats container's environment (chart value `container.env`, rendered in key order by
 * templates/_helpers.tpl `nats.env`): every password from the sealed Secret, and on a cluster the
 * route URLs, which Kubernetes builds from `ROUTE_PASSWORD` (`$(VAR)` expands a variable defined
 * before it; ROUTE_PASSWORD sorts before ROUTE_URL_*).
 */
export function natsContainerEnv(
  secretName: string,
  cluster: NatsClusterAddresses | undefined,
): Record<string, unknown> {
  const env: Record<string, unknown> = {};
  const keys =
    cluster === undefined
      ? NATS_CLIENT_ROLES.map((r) => NATS_PASSWORD_KEYS[r])
      : Object.values(NATS_PASSWORD_KEYS);
  for (const key of keys) env[key] = { valueFrom: { secretKeyRef: { name: secretName, key } } };
  if (cluster !== undefined)
    for (let i = 0; i < cluster.nodes; i++)
      env[natsRouteUrlVariable(i)] = natsRouteUrl(cluster.routeHostPort(i), `$(${NATS_PASSWORD_KEYS.route})`);
  const sorted = Object.keys(env).sort();
  if (
    cluster !== undefined &&
    sorted.indexOf(NATS_PASSWORD_KEYS.route) > sorted.indexOf(natsRouteUrlVariable(0))
  )
    throw new Error("natsContainerEnv: the route password must sort before the route URLs that expand it");
  return env;
}

/**
 * The configuration text of `doc` as the chart renders `config.merge` (templates/_helpers.tpl
 * `nats.formatConfig`: pretty JSON, `"<< x >>"` unquoted): what the tests give a real nats-server.
 */
export function formatNatsConfig(doc: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(doc, null, 2).replace(/"<<\s+(.*)\s+>>"/g, "$1");
}
