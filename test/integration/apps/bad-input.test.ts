/**
 * Bad input loses nothing: a corpus of malformed, hostile and borderline messages (empty, non-JSON,
 * invalid UTF-8, JSON non-objects, bad, huge, path-like, NUL and newline ids, `__proto__` keys, an
 * unsupported `v`, bodies near max_payload, deep nesting, spoofed record and `Nats-Expected-*`
 * headers, poison with a newline id, an id equal to another's hash, conflicting duplicates, a
 * producer id equal to another message's stream sequence) published straight into the stream,
 * interleaved with valid envelopes, and one real consumer process. Every stored stream sequence
 * must end exactly once as applied, duplicate or dead-lettered, as read back from the stream, the
 * dead-letter stream and the consumer's record of each settle; nothing may stay unsettled; the
 * consumer must stay up throughout. The server runs with a small max_payload so that bodies near
 * it are cheap. Run on NATS and on Memphis (the stand-in). Negative control: the consumer built
 * from the code before the shared dead-letter record, run by this test, lost 7 of these on NATS
 * (reasons with CR/LF, a poison id with a newline, `Nats-Expected-Stream`, a body near
 * max_payload, the id/sequence dedup-key collision) and, on both brokers, took the id equal to
 * another's hash for a duplicate of it.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders, type NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { afterEach, describe, expect, it } from "vitest";
import { DLS_HEADERS } from "../../../testkit/memphis-control-plane.js";
import { startMemphisStandIn } from "../../../testkit/memphis-stand-in.js";
import { effectFileName } from "../../../src/apps/consumer/file-effect-sink.js";
import { DEAD_LETTER_HEADERS } from "../../../src/broker/common/dead-letter-record.js";
import { MSG_ID_HEADER as MEMPHIS_ID } from "../../../src/broker/memphis/memphis-message.js";
import { stationStreamName } from "../../../src/broker/memphis/names.js";
import { eventSubject } from "../../../src/broker/nats/names.js";
import { MSG_ID_HEADER as NATS_ID } from "../../../src/broker/nats/delivered-message.js";
import { createEnvelope, encodeEnvelope } from "../../../src/runtime/envelope.js";
import { AppProcess } from "../../support/app-process.js";
import { readGroupDepth } from "../../support/jetstream-readback.js";
import { NatsServer } from "../../support/nats-server.js";
import { waitFor } from "../../../testkit/poll.js";
import { auditSink } from "../../support/sink-audit.js";
import { readDeadLetterStream } from "../broker/helpers.js";

/** Small, so that bodies near it are cheap; large enough for a dead-letter record's own headers. */
const MAX_PAYLOAD = 64 * 1024;
const MAX_DELIVERIES = 3;
const VALID_BETWEEN = 4;

type Expected = "applied" | "duplicate" | "dead_lettered";

interface Entry {
  readonly name: string;
  readonly data: Uint8Array;
  /** Headers; `seqOf` gives the stored sequence of an earlier entry. */
  readonly headers?: (seqOf: (name: string) => number) => Record<string, string>;
  readonly expected: Expected;
  /** The envelope id of an entry that should be applied (for the sink check). */
  readonly appliedId?: string;
}

/** One broker as the corpus needs it. */
interface CorpusBroker {
  readonly env: Record<string, string>;
  readonly connection: NatsConnection;
  readonly subject: string;
  readonly stream: string;
  readonly deadLetterStream: string;
  readonly group: string;
  readonly idHeader: string;
  /** Header of a dead-letter copy naming the original's stream sequence, and its reason header. */
  readonly sequenceHeader: string;
  readonly reasonHeader: string;
  stop(): Promise<void>;
}

const text = (s: string) => new TextEncoder().encode(s);
const json = (value: unknown) => text(JSON.stringify(value));
const now = () => Date.now();
/** A valid envelope's fields with `over` on top (raw JSON keys, so `__proto__` stays a key). */
const envelopeText = (over: string, payload = '{"n":0}') =>
  `{"v":1,"id":"${crypto.randomUUID()}","seq":1,"producedAt":${now()},"producer":"corpus","payload":${payload}${over}}`;

function corpus(broker: CorpusBroker): Entry[] {
  const id = (name: string) => () => ({ [broker.idHeader]: name });
  const valid = (name: string, payload: unknown = { name }, extra: Record<string, string> = {}): Entry => {
    const envelope = createEnvelope({ seq: 1, producer: "corpus", payload });
    return {
      name,
      data: encodeEnvelope(envelope),
      headers: () => ({ [broker.idHeader]: envelope.id, ...extra }),
      expected: "applied",
      appliedId: envelope.id,
    };
  };
  const withId = (name: string, envelopeId: string, payload: unknown = {}): Entry => ({
    name,
    data: json({ ...createEnvelope({ seq: 1, producer: "corpus", payload }), id: envelopeId }),
    expected: "applied",
    appliedId: envelopeId,
  });
  const dead = (name: string, data: Uint8Array, headers?: Entry["headers"]): Entry => ({
    name,
    data,
    expected: "dead_lettered",
    ...(headers ? { headers } : {}),
  });
  const unsafeId = "../hash me";
  const unsafeHash = createHash("sha256").update(unsafeId).digest("hex");
  const conflicting = createEnvelope({ seq: 1, producer: "corpus", payload: { version: 1 } });
  const deep = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
  const spoofed = {
    [DEAD_LETTER_HEADERS.originalMsgId]: "spoofed-id",
    [DEAD_LETTER_HEADERS.originalSequence]: "1",
    [DEAD_LETTER_HEADERS.reason]: "spoofed reason",
    [DLS_HEADERS.reason]: "spoofed reason",
  };
  return [
    dead("empty body", new Uint8Array(0)),
    dead("non-JSON with CRLF", text("OK\r\n")),
    dead("non-JSON with a newline", text("hello\nworld")),
    dead("invalid UTF-8", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])),
    dead("JSON array", text("[]")),
    dead("JSON null", text("null")),
    dead("JSON number", text("42")),
    dead("JSON string", text('"an envelope"')),
    dead("missing id", json({ v: 1, seq: 1, producedAt: now(), producer: "p", payload: {} })),
    dead("numeric id", json({ v: 1, id: 123, seq: 1, producedAt: now(), producer: "p", payload: {} })),
    dead(
      "huge id",
      json({ ...createEnvelope({ seq: 1, producer: "p", payload: {} }), id: "x".repeat(5000) }),
    ),
    withId("path-like id", "../../../../tmp/corpus-escape"),
    withId("NUL id", "nul\u0000id"),
    withId("newline id", "line\nbreak id"),
    {
      name: "__proto__ key beside the fields",
      data: text(envelopeText(',"__proto__":{"admin":true}')),
      expected: "applied",
    },
    dead("__proto__ holding the fields", text(`{"__proto__":${envelopeText("")}}`)),
    dead("unsupported v", json({ ...createEnvelope({ seq: 1, producer: "p", payload: {} }), v: 2 })),
    dead("producedAt -1e300", text(envelopeText(',"producedAt":-1e300'))),
    valid("near max_payload, valid", { pad: "v".repeat(MAX_PAYLOAD - 400) }),
    dead("near max_payload, not JSON", new Uint8Array(MAX_PAYLOAD - 200).fill(0x41)),
    dead(
      "near max_payload, unsupported v, with a header",
      json({ v: 9, pad: "p".repeat(MAX_PAYLOAD - 600) }),
      () => ({
        "X-Trace-Id": "t".repeat(200),
      }),
    ),
    { name: "deep nesting in the payload", data: text(envelopeText("", deep(20_000))), expected: "applied" },
    dead("deep nesting instead of an object", text(deep(30_000))),
    valid("spoofed record headers on a valid message", { spoofed: true }, spoofed),
    dead("spoofed record and Nats-Expected-Stream headers", text("{not json"), () => ({
      ...spoofed,
      "Nats-Expected-Stream": broker.stream,
    })),
    dead("poison", json(createEnvelope({ seq: 1, producer: "p", payload: { poison: true } }))),
    dead(
      "poison with a newline id",
      json({ ...createEnvelope({ seq: 1, producer: "p", payload: { poison: true } }), id: "poison\nid" }),
    ),
    withId("an unsafe id", unsafeId),
    withId("an id equal to that id's hash", unsafeHash),
    {
      name: "first of a conflicting pair",
      data: encodeEnvelope(conflicting),
      expected: "applied",
      appliedId: conflicting.id,
    },
    { name: "the same body again (a retry)", data: encodeEnvelope(conflicting), expected: "duplicate" },
    {
      name: "the same id, another body",
      data: encodeEnvelope({ ...conflicting, payload: { version: 2 } }),
      expected: "duplicate",
    },
    dead("malformed without an id header", text("{no id header")),
    // Before: its dedup key `dlq-<id>` equalled the one above's `dlq-<sequence>`, and it was lost.
    dead("malformed with an id header equal to that one's sequence", text("{collides"), (seqOf) => ({
      [broker.idHeader]: String(seqOf("malformed without an id header")),
    })),
    dead("non-JSON with CRLF and an id header", text("bad\r\n"), id("header-id-1")),
  ];
}

/** The corpus interleaved with valid envelopes: VALID_BETWEEN before each bad one, and some after. */
function interleaved(broker: CorpusBroker): Entry[] {
  const entries: Entry[] = [];
  let n = 0;
  const valid = (): Entry => {
    const envelope = createEnvelope({ seq: ++n, producer: "corpus", payload: { n } });
    return {
      name: `valid ${n}`,
      data: encodeEnvelope(envelope),
      headers: () => ({ [broker.idHeader]: envelope.id }),
      expected: "applied",
      appliedId: envelope.id,
    };
  };
  for (const entry of corpus(broker)) {
    for (let i = 0; i < VALID_BETWEEN; i++) entries.push(valid());
    entries.push(entry);
  }
  for (let i = 0; i < VALID_BETWEEN * 5; i++) entries.push(valid());
  return entries;
}

async function startNats(): Promise<CorpusBroker> {
  const server = await NatsServer.start({ maxPayload: MAX_PAYLOAD });
  const connection = await connect({ servers: server.url });
  return {
    env: server.appEnv,
    connection,
    subject: eventSubject("events"),
    stream: "events",
    deadLetterStream: "events-dlq",
    group: "event-consumers",
    idHeader: NATS_ID,
    sequenceHeader: DEAD_LETTER_HEADERS.originalSequence,
    reasonHeader: DEAD_LETTER_HEADERS.reason,
    async stop() {
      await connection.close().catch(() => {});
      await server.stop();
    },
  };
}

async function startMemphis(): Promise<CorpusBroker> {
  const standIn = await startMemphisStandIn({ maxPayload: MAX_PAYLOAD });
  const stream = stationStreamName("events");
  return {
    env: standIn.env,
    connection: standIn.connection,
    subject: `${stream}.final`,
    stream,
    deadLetterStream: stationStreamName("events-dlq"),
    group: "event-consumers",
    idHeader: MEMPHIS_ID,
    sequenceHeader: DLS_HEADERS.sequence,
    reasonHeader: DLS_HEADERS.reason,
    stop: () => standIn.stop(),
  };
}

/** How each stored sequence ended. */
interface Accounting {
  readonly stored: number;
  readonly applied: number;
  readonly duplicate: number;
  readonly deadLettered: number;
  readonly lost: number;
  readonly unsettled: number;
  /** Sequences that ended more than once (settled and dead-lettered, or dead-lettered twice). */
  readonly moreThanOnce: number;
}

for (const [kind, start] of [
  ["nats", startNats],
  ["memphis", startMemphis],
] as const) {
  describe(`bad input on ${kind}`, { timeout: 180_000 }, () => {
    let broker: CorpusBroker | undefined;
    let sinkDir: string | undefined;

    afterEach(async () => {
      await AppProcess.killAll();
      await broker?.stop();
      if (sinkDir) await rm(sinkDir, { recursive: true, force: true });
    });

    it("every stored message ends applied, duplicate or dead-lettered exactly once; nothing unsettled, the consumer up", async () => {
      broker = await start();
      sinkDir = await mkdtemp(join(tmpdir(), "corpus-effects-"));
      const consumer = await AppProcess.start(
        "consumer",
        {
          ...broker.env,
          SINK_DIR: sinkDir,
          LOG_LEVEL: "debug",
          MAX_DELIVERIES: String(MAX_DELIVERIES),
          RETRY_DELAY_MS: "100",
          ACK_WAIT_MS: "5000",
          BATCH_SIZE: "10",
        },
        "corpus-consumer",
      );
      await consumer.waitReady();

      // Publish in order, each awaited: the stored sequence of every entry is its ack's.
      const js = jetstream(broker.connection);
      const entries = interleaved(broker);
      const badCount = entries.filter((e) => !e.name.startsWith("valid ")).length;
      const expectedBySeq = new Map<number, Entry>();
      const seqByName = new Map<string, number>();
      const seqOf = (name: string) => {
        const seq = seqByName.get(name);
        if (seq === undefined) throw new Error(`"${name}" is not published yet`);
        return seq;
      };
      for (const entry of entries) {
        const h = natsHeaders();
        for (const [key, value] of Object.entries(entry.headers?.(seqOf) ?? {})) h.set(key, value);
        const ack = await js.publish(broker.subject, entry.data, { headers: h });
        expect(ack.duplicate, entry.name).toBe(false);
        expectedBySeq.set(ack.seq, entry);
        seqByName.set(entry.name, ack.seq);
      }

      const jsm = await jetstreamManager(broker.connection);
      const { state } = await jsm.streams.info(broker.stream);
      expect(state.messages).toBe(entries.length);
      const storedSeqs = Array.from(
        { length: state.last_seq - state.first_seq + 1 },
        (_, i) => state.first_seq + i,
      );

      /** Endings per stored sequence: settled (from the consumer's settle log) and dead-lettered (read back). */
      const endings = async () => {
        const settled = new Map<number, string[]>();
        for (const line of consumer.logs())
          if (
            line.msg === "message settled" &&
            (line.outcome === "processed" || line.outcome === "duplicate")
          ) {
            const seq = Number(line.sequence);
            settled.set(seq, [...(settled.get(seq) ?? []), String(line.outcome)]);
          }
        const letters = await readDeadLetterStream(js, broker!.deadLetterStream, broker!.reasonHeader);
        const dead = new Map<number, number>();
        for (const letter of letters) {
          const seq = Number(letter.headers[broker!.sequenceHeader]);
          dead.set(seq, (dead.get(seq) ?? 0) + 1);
        }
        return { settled, dead, letters };
      };
      const depth = () => readGroupDepth(broker!.connection, broker!.stream, broker!.group);

      // Done when every stored sequence has an ending and the group holds nothing (bounded: what is
      // missing is counted as lost or unsettled below, not thrown here).
      await waitFor(
        "every stored message settled",
        async () => {
          const { settled, dead } = await endings();
          const d = await depth();
          return d.pending + d.ackPending === 0 && storedSeqs.every((s) => settled.has(s) || dead.has(s));
        },
        { timeoutMs: 90_000, intervalMs: 250 },
      ).catch(() => undefined);

      const alive = consumer.isRunning;
      const { settled, dead, letters } = await endings();
      const d = await depth();
      const count = (outcome: string) =>
        storedSeqs.filter((s) => (settled.get(s) ?? []).includes(outcome) && !dead.has(s)).length;
      const wrong: string[] = [];
      let moreThanOnce = 0;
      for (const seq of storedSeqs) {
        const entry = expectedBySeq.get(seq)!;
        const outcomes = [
          ...(settled.get(seq) ?? []),
          ...Array<string>(dead.get(seq) ?? 0).fill("dead_lettered"),
        ];
        const ended = outcomes.map((o) => (o === "processed" ? "applied" : o));
        if (ended.length > 1) moreThanOnce++;
        if (ended.length === 1 && ended[0] !== entry.expected)
          wrong.push(`${entry.name} (seq ${seq}): ${ended[0]}, expected ${entry.expected}`);
      }
      const lostEntries = storedSeqs.filter((s) => !settled.has(s) && !dead.has(s));
      const accounting: Accounting = {
        stored: storedSeqs.length,
        applied: count("processed"),
        duplicate: count("duplicate"),
        deadLettered: storedSeqs.filter((s) => dead.has(s)).length,
        lost: lostEntries.length,
        unsettled: d.pending + d.ackPending,
        moreThanOnce,
      };
      console.log(
        `[${kind}] bad-input corpus (${entries.length} messages, ${badCount} bad, one consumer, ` +
          `max_payload ${MAX_PAYLOAD}):\n` +
          "| stored | applied | duplicate | dead-lettered | lost | unsettled | ended twice |\n" +
          "| --- | --- | --- | --- | --- | --- | --- |\n" +
          `| ${accounting.stored} | ${accounting.applied} | ${accounting.duplicate} | ${accounting.deadLettered} | ` +
          `${accounting.lost} | ${accounting.unsettled} | ${accounting.moreThanOnce} |` +
          (lostEntries.length > 0
            ? `\nlost: ${lostEntries.map((s) => `${expectedBySeq.get(s)!.name} (seq ${s})`).join("; ")}`
            : ""),
      );

      expect(alive, consumer.stderr).toBe(true);
      expect(lostEntries.map((s) => expectedBySeq.get(s)!.name)).toEqual([]);
      expect(accounting.unsettled).toBe(0);
      expect(accounting.moreThanOnce).toBe(0);
      expect(wrong).toEqual([]);
      expect(accounting.applied + accounting.duplicate + accounting.deadLettered).toBe(accounting.stored);

      // The effects: every applied id has exactly one, no other id has one, none twice.
      const audit = await auditSink(sinkDir);
      const appliedIds = entries.flatMap((e) =>
        e.expected === "applied" && e.appliedId ? [e.appliedId] : [],
      );
      for (const id of appliedIds) expect(audit.applied.has(effectFileName(id)), id).toBe(true);
      expect(audit.duplicateEffects).toBe(0);

      // The dead-letter records: one line each, the consumer's own record headers, not the producer's.
      const byName = (name: string) =>
        letters.find((l) => Number(l.headers[broker!.sequenceHeader]) === seqOf(name))!;
      for (const letter of letters) expect(letter.reason ?? "").not.toMatch(/[\r\n]/);
      const spoofedLetter = byName("spoofed record and Nats-Expected-Stream headers");
      expect(spoofedLetter.reason).not.toBe("spoofed reason");
      expect(Object.keys(spoofedLetter.headers).filter((k) => /^nats-expected/i.test(k))).toEqual([]);
      if (kind === "nats") {
        expect(spoofedLetter.headers[DEAD_LETTER_HEADERS.originalMsgId]).toBeUndefined();
        const near = byName("near max_payload, not JSON");
        expect(near.headers[DEAD_LETTER_HEADERS.truncated]).toBe(String(MAX_PAYLOAD - 200));
      }

      // Nothing could not be settled, by the consumer's own count; and it stops cleanly.
      const metrics = await consumer.metrics();
      expect(metrics.value("consumer_messages_total", { outcome: "dead_letter_failed" })).toBe(0);
      expect(metrics.value("consumer_messages_total", { outcome: "unsettled" })).toBe(0);
      expect(metrics.value("consumer_conflicting_messages_total")).toBe(1);
      const exit = await consumer.kill("SIGTERM");
      expect(exit.code, consumer.stderr).toBe(0);
    });
  });
}
