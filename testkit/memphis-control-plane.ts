/**
 * Part of the Memphis stand-in (never deployed; the tests, the bench and the local run use it). The part of a Memphis broker's control plane that memphis-dev 1.3.2 talks to, answered
 * from a NATS client inside the `$memphis` account of a plain nats-server.
 *
 * It creates exactly the JetStream objects a Memphis 1.x broker creates (station `events` = stream
 * `events$1`, subjects `events$1.>`, durable pull consumer named after the consumer group, explicit
 * ack, AckWait = max_ack_time_ms, MaxDeliver = max_msg_deliveries capped at 10) and replies in the
 * broker's formats: station creation/destruction and producer/consumer destruction reply a text
 * (empty = ok), producer/consumer creation reply JSON with `error` and `partitions_update`.
 *
 * What it does NOT do (a real broker does):
 * - msg-id deduplication: the broker dedups on the `msg-id` header; nats-server only on
 *   `Nats-Msg-Id`, so a re-published id is stored twice here;
 * - the dead-letter store (PostgreSQL, UI, re-send to consumers on `$memphis_dls_…`). It only copies
 *   dead-lettered messages (`message.deadLetter()` and MaxDeliver advisories) into the station's
 *   `dls_station`, adding `memphis-dls-*` headers of its own choosing;
 * - schemas, functions, tiered storage, more than one partition, users and permissions.
 */
import { encodedHeaderBytes } from "../src/broker/common/dead-letter-record.js";
import { headers as natsHeaders, type Msg, type NatsConnection, nanos } from "@nats-io/nats-core";
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";

/** The subjects this stand-in answers. */
export const CONTROL_PLANE_SUBJECTS = {
  stationCreations: "$memphis_station_creations",
  stationDestructions: "$memphis_station_destructions",
  producerCreations: "$memphis_producer_creations",
  producerDestructions: "$memphis_producer_destructions",
  consumerCreations: "$memphis_consumer_creations",
  consumerDestructions: "$memphis_consumer_destructions",
  nackedDls: "$memphis_nacked_dls",
  maxDeliveriesAdvisories: "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>",
} as const;

/** Headers the stand-in adds to a copy in the dead-letter station. */
export const DLS_HEADERS = {
  reason: "memphis-dls-reason",
  station: "memphis-dls-station",
  consumerGroup: "memphis-dls-consumer-group",
  /** The original's stream sequence (the broker keeps it in its dead-letter record). */
  sequence: "memphis-dls-sequence",
  /** Set when the body was cut to fit the server's max_payload: the original body's length. */
  truncated: "memphis-dls-truncated",
} as const;

/** The broker's bound on deliveries. */
const MAX_DELIVERIES_CAP = 10;
/** Station defaults of a Memphis broker (used when a producer or consumer names a missing station). */
const DEFAULT_STATION = {
  retention_type: "message_age_sec",
  retention_value: 3600,
  idempotency_window_in_ms: 120_000,
};

interface StationRequest {
  readonly name: string;
  readonly retention_type?: string;
  readonly retention_value?: number;
  readonly storage_type?: string;
  readonly replicas?: number;
  readonly idempotency_window_in_ms?: number;
  readonly partitions_number?: number;
  readonly dls_station?: string;
}
interface ConsumerRequest {
  readonly name: string;
  readonly station_name: string;
  readonly connection_id: string;
  readonly consumers_group?: string;
  readonly max_ack_time_ms?: number;
  readonly max_msg_deliveries?: number;
  readonly start_consume_from_sequence?: number;
  readonly last_messages?: number;
}
interface NackedDls {
  readonly station_name: string;
  readonly error: string;
  readonly partition: number;
  readonly cg_name: string;
  readonly seq: number;
}
interface MaxDeliveriesAdvisory {
  readonly stream: string;
  readonly consumer: string;
  readonly stream_seq: number;
  readonly deliveries: number;
}

/** Station or group name as the broker stores it. */
export function internalName(name: string): string {
  return name.toLowerCase().replace(/\./g, "#");
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,126}[a-z0-9]$|^[a-z0-9]$/;

/** The control-plane responders; `stop()` unsubscribes (the connection belongs to the caller). */
export class MemphisControlPlane {
  /** Dead-letter station of each station (internal names), as the broker keeps it in its database. */
  private readonly dlsStations = new Map<string, string>();
  /** Members of each consumer group: `stream/durable` → `connection_id/name`. */
  private readonly groupMembers = new Map<string, Set<string>>();
  private readonly subscriptions: { unsubscribe(): void }[] = [];
  private readonly js;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly jsm: JetStreamManager,
  ) {
    this.js = jetstream(connection);
  }

  static async start(connection: NatsConnection): Promise<MemphisControlPlane> {
    const plane = new MemphisControlPlane(connection, await jetstreamManager(connection));
    const S = CONTROL_PLANE_SUBJECTS;
    plane.respond(S.stationCreations, (req: StationRequest) => plane.createStation(req, false));
    plane.respond(S.stationDestructions, (req: { station_name: string }) =>
      plane.destroyStation(req.station_name),
    );
    plane.respond(S.producerCreations, (req: { station_name: string }) =>
      plane.createProducer(req.station_name),
    );
    plane.respond(S.producerDestructions, async () => "");
    plane.respond(S.consumerCreations, (req: ConsumerRequest) => plane.createConsumer(req));
    plane.respond(S.consumerDestructions, (req: ConsumerRequest) => plane.destroyConsumer(req));
    plane.listen(S.nackedDls, (event: NackedDls) =>
      plane.copyToDls(`${event.station_name}$${event.partition}`, event.seq, event.error, event.cg_name),
    );
    plane.listen(S.maxDeliveriesAdvisories, (event: MaxDeliveriesAdvisory) =>
      plane.copyToDls(
        event.stream,
        event.stream_seq,
        `max deliveries exceeded (${event.deliveries})`,
        event.consumer,
      ),
    );
    await connection.flush();
    return plane;
  }

  stop(): void {
    for (const sub of this.subscriptions) sub.unsubscribe();
  }

  /** Reply with the handler's text or JSON; a thrown error becomes the error text. */
  private respond<T>(subject: string, handler: (request: T) => Promise<string | object>): void {
    const sub = this.connection.subscribe(subject, {
      callback: (_error, msg) => {
        void this.handle(msg, handler);
      },
    });
    this.subscriptions.push(sub);
  }

  private async handle<T>(msg: Msg, handler: (request: T) => Promise<string | object>): Promise<void> {
    let reply: string | object;
    try {
      reply = await handler(msg.json<T>());
    } catch (error) {
      reply = error instanceof Error ? error.message : String(error);
    }
    msg.respond(typeof reply === "string" ? reply : JSON.stringify(reply));
  }

  private listen<T>(subject: string, handler: (event: T) => Promise<void>): void {
    const sub = this.connection.subscribe(subject, {
      callback: (_error, msg) => {
        void handler(msg.json<T>()).catch(() => {});
      },
    });
    this.subscriptions.push(sub);
  }

  private async streamExists(stream: string): Promise<boolean> {
    try {
      await this.jsm.streams.info(stream);
      return true;
    } catch {
      return false;
    }
  }

  /** `$memphis_station_creations`: "" when created, "... already exists" when it was there. */
  private async createStation(request: StationRequest, quietIfExists: boolean): Promise<string> {
    const name = String(request.name ?? "").toLowerCase();
    if (!NAME_PATTERN.test(name)) {
      return `Station name has to include only letters/numbers/./-/_ and start and end with a letter or number, got "${request.name}"`;
    }
    if ((request.partitions_number ?? 1) !== 1) return "memphis stand-in: only one partition is supported";
    const internal = internalName(name);
    const stream = `${internal}$1`;
    if (await this.streamExists(stream)) return quietIfExists ? "" : `Station ${name} already exists`;
    const config: Partial<StreamConfig> & { name: string } = {
      name: stream,
      subjects: [`${stream}.>`],
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      storage: request.storage_type === "memory" ? StorageType.Memory : StorageType.File,
      num_replicas: request.replicas ?? 1,
    };
    const value = request.retention_value ?? DEFAULT_STATION.retention_value;
    switch (request.retention_type ?? DEFAULT_STATION.retention_type) {
      case "message_age_sec":
        config.max_age = nanos(value * 1000);
        break;
      case "messages":
        config.max_msgs = value;
        break;
      case "bytes":
        config.max_bytes = value;
        break;
      default:
        return `memphis stand-in: retention type ${request.retention_type} is not supported`;
    }
    const window = request.idempotency_window_in_ms ?? DEFAULT_STATION.idempotency_window_in_ms;
    if (window > 0) {
      config.duplicate_window =
        config.max_age !== undefined ? Math.min(nanos(window), config.max_age) : nanos(window);
    }
    await this.jsm.streams.add(config);
    if (request.dls_station) this.dlsStations.set(internal, internalName(request.dls_station));
    return "";
  }

  private async destroyStation(stationName: string): Promise<string> {
    const internal = internalName(stationName);
    const stream = `${internal}$1`;
    if (!(await this.streamExists(stream))) return `Station ${stationName} does not exist`;
    await this.jsm.streams.delete(stream);
    this.dlsStations.delete(internal);
    for (const key of [...this.groupMembers.keys()])
      if (key.startsWith(`${stream}/`)) this.groupMembers.delete(key);
    return "";
  }

  /** A broker creates a missing station with its defaults when a producer or consumer names it. */
  private async ensureStation(stationName: string): Promise<void> {
    const error = await this.createStation({ name: stationName }, true);
    if (error !== "") throw new Error(error);
  }

  private async createProducer(stationName: string): Promise<object> {
    try {
      await this.ensureStation(stationName);
    } catch (error) {
      return { error: (error as Error).message };
    }
    return {
      error: "",
      partitions_update: { partitions_list: [1] },
      schemaverse_to_dls: false,
      send_notification: false,
    };
  }

  private async createConsumer(request: ConsumerRequest): Promise<object> {
    try {
      await this.ensureStation(request.station_name);
      const stream = `${internalName(request.station_name)}$1`;
      const durable = internalName(request.consumers_group || request.name);
      const ackWait = nanos(request.max_ack_time_ms ?? 30_000);
      const maxDeliver = Math.min(request.max_msg_deliveries ?? 2, MAX_DELIVERIES_CAP);
      const existing = await this.jsm.consumers.info(stream, durable).catch(() => undefined);
      if (existing === undefined) {
        const start = request.start_consume_from_sequence ?? 1;
        await this.jsm.consumers.add(stream, {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          ack_wait: ackWait,
          max_deliver: maxDeliver,
          ...(start > 1
            ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start }
            : { deliver_policy: DeliverPolicy.All }),
        });
      } else if (existing.config.ack_wait !== ackWait || existing.config.max_deliver !== maxDeliver) {
        await this.jsm.consumers.update(stream, durable, { ack_wait: ackWait, max_deliver: maxDeliver });
      }
      const key = `${stream}/${durable}`;
      const members = this.groupMembers.get(key) ?? new Set<string>();
      members.add(`${request.connection_id}/${request.name.toLowerCase()}`);
      this.groupMembers.set(key, members);
      return { error: "", partitions_update: { partitions_list: [1] } };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  /** Removes the member; deleting the last member of a group deletes its durable, as the broker does. */
  private async destroyConsumer(request: ConsumerRequest): Promise<string> {
    const stream = `${internalName(request.station_name)}$1`;
    const member = `${request.connection_id}/${request.name.toLowerCase()}`;
    for (const [key, members] of this.groupMembers) {
      if (!key.startsWith(`${stream}/`) || !members.delete(member)) continue;
      if (members.size === 0) {
        this.groupMembers.delete(key);
        await this.jsm.consumers.delete(stream, key.slice(stream.length + 1));
      }
      return "";
    }
    return `Consumer ${request.name} at station ${request.station_name} does not exist`;
  }

  /** Copy message `seq` of `stream` into its station's dead-letter station, when one is configured. */
  private async copyToDls(stream: string, seq: number, reason: string, consumerGroup: string): Promise<void> {
    const station = stream.replace(/\$\d+$/, "");
    const dls = this.dlsStations.get(station);
    if (dls === undefined) return;
    const stored = await this.jsm.streams.getMessage(stream, { seq });
    if (stored === null) return;
    // The broker keeps dead letters in its database, where a stored message's headers carry no
    // JetStream meaning: reserved `Nats-*` ones (a `Nats-Expected-Stream` would make JetStream
    // refuse this copy) and earlier `memphis-dls-*` ones are not copied.
    const copy = natsHeaders();
    if (stored.header)
      for (const [key, values] of stored.header) {
        const lower = key.toLowerCase();
        if (lower.startsWith("nats-") || lower.startsWith("memphis-dls-")) continue;
        for (const v of values) copy.append(key, v);
      }
    copy.set(DLS_HEADERS.reason, reason.replace(/[\r\n]/g, " "));
    copy.set(DLS_HEADERS.station, station);
    copy.set(DLS_HEADERS.consumerGroup, consumerGroup);
    copy.set(DLS_HEADERS.sequence, String(seq));
    // Nor has it a payload limit; this station has the server's, so a body that does not fit is cut.
    const maxPayload = this.connection.info?.max_payload ?? Number.POSITIVE_INFINITY;
    const pairs = copy.keys().flatMap((key) => copy.values(key).map((v): [string, string] => [key, v]));
    const marker: [string, string] = [DLS_HEADERS.truncated, String(stored.data.length)];
    const room = maxPayload - encodedHeaderBytes([...pairs, marker]);
    let data = stored.data;
    if (data.length > room) {
      data = data.subarray(0, Math.max(0, room));
      copy.set(DLS_HEADERS.truncated, String(stored.data.length));
    }
    await this.js.publish(`${dls}$1.final`, data, { headers: copy });
  }
}
