/**
 * What a NATS identity may do, found by trying it on a real server: each action either gets its
 * answer (allowed) or the server's permission violation for it (refused), whichever comes first,
 * awaited as events. Anything else (a timeout, a JetStream API error) fails the probe, so a
 * refused action is never mistaken for a slow one.
 */
import { AckPolicy, jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { errors, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { consumerConfig, streamConfig } from "../../../src/broker/nats/provision.js";
import { deadLetterSubject, eventSubject, streamSubjects } from "../../../src/broker/nats/names.js";
import { natsInboxPrefix } from "../../../src/broker/nats/names.js";
import { randomBytes } from "node:crypto";
import { infrastructureApplications } from "../../../cdk8s/argocd/infrastructure.js";
import {
  NATS_CLIENT_ROLES,
  NATS_PASSWORD_KEYS,
  NATS_USERNAMES,
  type NatsClientRole,
} from "../../../cdk8s/lib/nats-authorization.js";
import { TEST_BROKER_SETTINGS } from "../../support/broker-options.js";

export type Outcome = "allowed" | "refused";

/** The actions of the matrix, in the order they are tried (delete last: it removes the stream). */
export const ACTIONS = [
  "create stream",
  "create dead-letter stream",
  "create group",
  "create another consumer",
  "read group info",
  "publish to stream",
  "subscribe to stream subjects",
  "pull from group",
  "publish dead letter",
  "purge stream",
  "delete stream",
] as const;
export type Action = (typeof ACTIONS)[number];

const NAMES = {
  stream: TEST_BROKER_SETTINGS.stream,
  deadLetterStream: TEST_BROKER_SETTINGS.deadLetterStream,
  consumerGroup: TEST_BROKER_SETTINGS.consumerGroup,
};
const PROBE_TIMEOUT_MS = 5_000;

/** Connect as `username` (none: anonymous) with the apps' inbox prefix; rejects when the server refuses. */
export async function connectAs(url: string, username?: string, password?: string): Promise<NatsConnection> {
  return connect({
    servers: url.split(","),
    inboxPrefix: natsInboxPrefix(username),
    reconnect: false,
    timeout: PROBE_TIMEOUT_MS,
    ...(username === undefined ? {} : { user: username, pass: password ?? "" }),
  });
}

/** Whether the server refuses a connection with these credentials. */
export async function connectOutcome(url: string, username?: string, password?: string): Promise<Outcome> {
  try {
    const nc = await connectAs(url, username, password);
    await nc.close();
    return "allowed";
  } catch (error) {
    if (error instanceof errors.AuthorizationError) return "refused";
    throw error;
  }
}

/** Resolves with the next permission violation the server reports on `nc`. */
function nextViolation(nc: NatsConnection): { promise: Promise<Error>; stop: () => void } {
  const status = nc.status();
  const iterator = status[Symbol.asyncIterator]();
  const promise = (async () => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const s = next.value;
      if (s.type === "error" && s.error instanceof errors.PermissionViolationError) return s.error;
    }
    return new Promise<never>(() => {});
  })();
  return { promise, stop: () => void iterator.return?.() };
}

/** Run `action` on `nc` and say whether the server let it through. */
export async function probe(nc: NatsConnection, run: () => Promise<unknown>): Promise<Outcome> {
  const violation = nextViolation(nc);
  try {
    return await Promise.race([
      run().then(() => "allowed" as const),
      violation.promise.then(() => "refused" as const),
    ]);
  } catch (error) {
    // A request whose subject is refused rejects with the violation as its cause.
    for (let e: unknown = error; e instanceof Error; e = e.cause)
      if (e instanceof errors.PermissionViolationError) return "refused";
    throw error;
  } finally {
    violation.stop();
  }
}

/** The actions as one identity tries them; `publisher` is a connection allowed to publish to the stream. */
export function actionsOf(
  nc: NatsConnection,
  publisher: NatsConnection,
  streamReplicas = 1,
): Record<Action, () => Promise<unknown>> {
  const options = { ...TEST_BROKER_SETTINGS, streamReplicas };
  const jsm = (): Promise<JetStreamManager> => jetstreamManager(nc, { timeout: PROBE_TIMEOUT_MS });
  const js = jetstream(nc, { timeout: PROBE_TIMEOUT_MS });
  let sequence = 0;
  const unique = (): string => `probe-${process.pid}-${Date.now()}-${++sequence}`;
  return {
    "create stream": async () => (await jsm()).streams.add(streamConfig(NAMES.stream, options)),
    "create dead-letter stream": async () =>
      (await jsm()).streams.add(streamConfig(NAMES.deadLetterStream, options)),
    "create group": async () => (await jsm()).consumers.add(NAMES.stream, consumerConfig(options)),
    "create another consumer": async () =>
      (await jsm()).consumers.add(NAMES.stream, { durable_name: "intruder", ack_policy: AckPolicy.Explicit }),
    "read group info": async () => (await jsm()).consumers.info(NAMES.stream, NAMES.consumerGroup),
    "publish to stream": () => js.publish(eventSubject(NAMES.stream), "probe", { msgID: unique() }),
    "subscribe to stream subjects": async () => {
      const received = new Promise((resolve, reject) =>
        nc.subscribe(streamSubjects(NAMES.stream), {
          max: 1,
          callback: (error, msg) => (error ? reject(error) : resolve(msg)),
        }),
      );
      // Refused, it rejects before it is awaited below: the probe sees the violation first.
      received.catch(() => undefined);
      await nc.flush();
      // A message published after the subscription reaches it only if the server accepted it.
      await jetstream(publisher).publish(eventSubject(NAMES.stream), "seen?", { msgID: unique() });
      return received;
    },
    "pull from group": async () => {
      const consumer = await js.consumers.get(NAMES.stream, NAMES.consumerGroup);
      const msg = await consumer.next({ expires: 1_000 });
      msg?.nak();
      return msg;
    },
    "publish dead letter": () =>
      js.publish(deadLetterSubject(NAMES.deadLetterStream, NAMES.stream), "dead", { msgID: unique() }),
    "purge stream": async () => (await jsm()).streams.purge(NAMES.stream),
    "delete stream": async () => (await jsm()).streams.delete(NAMES.stream),
  };
}

/** Try `actions` (all by default) as the identity of `nc`, in matrix order. */
export async function probeActions(
  nc: NatsConnection,
  publisher: NatsConnection,
  actions: readonly Action[] = ACTIONS,
  streamReplicas = 1,
): Promise<Partial<Record<Action, Outcome>>> {
  const all = actionsOf(nc, publisher, streamReplicas);
  const outcomes: Partial<Record<Action, Outcome>> = {};
  for (const action of ACTIONS) if (actions.includes(action)) outcomes[action] = await probe(nc, all[action]);
  return outcomes;
}

/** The values of the NATS Application as synthesized (prod runs NATS). */
export function natsApplicationValues(): {
  config: { merge: Record<string, unknown>; cluster: { merge?: Record<string, unknown> } };
} {
  const app = infrastructureApplications("prod", "nats").find((a) => a.name === "nats");
  if (app === undefined) throw new Error("no NATS Application in prod");
  return app.source.values as ReturnType<typeof natsApplicationValues>;
}

/** A fresh password per user, as the sealed Secret would hold, in the variables the fragment names. */
export function testPasswords(): Record<string, string> {
  return Object.fromEntries(
    // A letter first, as natsPasswordProblem requires (a leading digit would not parse).
    Object.values(NATS_PASSWORD_KEYS).map((key) => [key, `p${randomBytes(16).toString("hex")}`]),
  );
}

/** The matrix as this suite expects it: what each role's work needs, nothing else. */
export const EXPECTED: Readonly<Record<NatsClientRole, Readonly<Record<Action, Outcome>>>> = {
  producer: only(["publish to stream"]),
  consumer: only(["read group info", "pull from group", "publish dead letter"]),
  provisioner: only(["create stream", "create dead-letter stream", "create group", "read group info"]),
};

export function only(allowed: readonly Action[]): Record<Action, Outcome> {
  return Object.fromEntries(ACTIONS.map((a) => [a, allowed.includes(a) ? "allowed" : "refused"])) as Record<
    Action,
    Outcome
  >;
}

/** Connect every role with its password and probe the whole matrix, provisioner first. */
export async function probeMatrix(
  url: string,
  passwords: Readonly<Record<string, string>>,
  streamReplicas = 1,
): Promise<Record<NatsClientRole, Partial<Record<Action, Outcome>>>> {
  const connections = {} as Record<NatsClientRole, NatsConnection>;
  for (const role of NATS_CLIENT_ROLES)
    connections[role] = await connectAs(url, NATS_USERNAMES[role], passwords[NATS_PASSWORD_KEYS[role]]);
  try {
    const matrix = {} as Record<NatsClientRole, Partial<Record<Action, Outcome>>>;
    // The provisioner creates what the others then try to use; nobody may delete it, so the order
    // of the rest does not matter.
    for (const role of ["provisioner", "producer", "consumer"] as const)
      matrix[role] = await probeActions(connections[role], connections.producer, ACTIONS, streamReplicas);
    return matrix;
  } finally {
    await Promise.all(Object.values(connections).map((nc) => nc.close()));
  }
}

/**
 * The entries of a configuration document without its outer braces, so that it can stand beside
 * the test server's own lines (nats-server takes `"key": value` entries at the top level).
 */
export function topLevelEntries(config: string): string {
  const trimmed = config.trim();
  if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) throw new Error("not a configuration object");
  return trimmed.slice(1, -1);
}
