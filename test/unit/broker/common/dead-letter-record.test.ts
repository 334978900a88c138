import { headers as natsHeaders } from "@nats-io/nats-core";
import { describe, expect, it } from "vitest";
import {
  buildDeadLetterRecord,
  DEAD_LETTER_HEADERS as H,
  DEAD_LETTER_LIMITS,
  encodedHeaderBytes,
  oneLine,
  type DeadLetterSource,
} from "../../../../src/broker/common/dead-letter-record.js";

const source = (over: Partial<DeadLetterSource> = {}): DeadLetterSource => ({
  stream: "events",
  sequence: 7,
  id: "id-1",
  deliveryCount: 1,
  data: new TextEncoder().encode("hello"),
  headers: {},
  ...over,
});
const options = { maxPayload: 1024 * 1024, idHeader: "Nats-Msg-Id", dedupHeader: "Nats-Msg-Id" };

/** The record's headers as the NATS client sends them (its wire encoding): throws where the client would. */
function asNats(headers: readonly (readonly [string, string])[]): { encode(): Uint8Array } {
  const h = natsHeaders();
  for (const [k, v] of headers) h.set(k, v);
  return h as unknown as { encode(): Uint8Array };
}

describe("oneLine", () => {
  it("escapes every control character and bounds the length without splitting a surrogate pair", () => {
    expect(oneLine('Unexpected token \r\n in "OK\r\n"')).toBe(
      'Unexpected token \\u000d\\u000a in "OK\\u000d\\u000a"',
    );
    expect(oneLine("a\u0000b\u2028c\u0085")).toBe("a\\u0000b\\u2028c\\u0085");
    const long = oneLine("x".repeat(10_000));
    expect(long).toHaveLength(DEAD_LETTER_LIMITS.reasonChars);
    expect(long.endsWith("…")).toBe(true);
    const emoji = oneLine(`${"x".repeat(8)}😀😀`, 10);
    expect(emoji).toBe(`${"x".repeat(8)}…`);
  });
});

describe("buildDeadLetterRecord", () => {
  it("sets its own headers from what the consumer knows and keeps only application headers", () => {
    const record = buildDeadLetterRecord(
      source({
        id: "line\nbreak",
        headers: {
          "X-Trace-Id": "t-1",
          "Nats-Msg-Id": "spoof",
          "nats-expected-stream": "events",
          "Nats-Expected-Last-Sequence": "1",
          "Original-Msg-Id": "spoofed",
          "dead-letter-reason": "spoofed",
          "Original-Sequence": "999",
        },
      }),
      "malformed: bad\r\nthing",
      options,
    );
    const h = Object.fromEntries(record.headers);
    expect(h["X-Trace-Id"]).toBe("t-1");
    expect(h[H.reason]).toBe("malformed: bad\\u000d\\u000athing");
    expect(h[H.originalMsgId]).toBe("line\\u000abreak");
    expect(h[H.originalSequence]).toBe("7");
    expect(h["Nats-Msg-Id"]).toBe(record.dedupKey);
    const names = record.headers.map(([k]) => k.toLowerCase());
    expect(names.filter((n) => n.startsWith("nats-"))).toEqual(["nats-msg-id"]);
    expect(names.filter((n) => n === "original-sequence")).toHaveLength(1);
    expect(names.filter((n) => n === "dead-letter-reason")).toHaveLength(1);
    expect(names.filter((n) => n === "original-msg-id")).toHaveLength(1);
    expect(() => asNats(record.headers)).not.toThrow();
  });

  it("keys the record by stream, sequence and body: an id cannot equal another message's key", () => {
    const a = buildDeadLetterRecord(source({ id: "7" }), "r", options);
    const b = buildDeadLetterRecord(source({ id: undefined, sequence: 7 }), "r", options);
    const c = buildDeadLetterRecord(source({ sequence: 8 }), "r", options);
    const d = buildDeadLetterRecord(source({ data: new Uint8Array([1]) }), "r", options);
    expect(a.dedupKey).toBe(b.dedupKey); // the same stored message
    expect(new Set([a.dedupKey, c.dedupKey, d.dedupKey]).size).toBe(3);
    expect(a.dedupKey).toMatch(/^dlq:events:7:[0-9a-f]{32}$/);
  });

  it("fits max_payload, truncating the body with a marker and dropping oversized application headers", () => {
    const maxPayload = 4096;
    const data = new Uint8Array(maxPayload).fill(65);
    const record = buildDeadLetterRecord(source({ data, headers: { "X-A": "a" } }), "r", {
      ...options,
      maxPayload,
    });
    const size = asNats(record.headers).encode().length + record.data.length;
    expect(size).toBeLessThanOrEqual(maxPayload);
    expect(encodedHeaderBytes(record.headers)).toBe(asNats(record.headers).encode().length);
    expect(Object.fromEntries(record.headers)[H.truncated]).toBe(String(maxPayload));
    expect(record.data.length).toBeGreaterThan(maxPayload / 2);

    const huge = buildDeadLetterRecord(source({ headers: { "X-Big": "b".repeat(maxPayload) } }), "r", {
      ...options,
      maxPayload,
    });
    const h = Object.fromEntries(huge.headers);
    expect(h["X-Big"]).toBeUndefined();
    expect(h[H.headersDropped]).toBe("1");
    expect(h[H.truncated]).toBeUndefined();
    expect(asNats(huge.headers).encode().length + huge.data.length).toBeLessThanOrEqual(maxPayload);
  });

  it("leaves a small message whole", () => {
    const record = buildDeadLetterRecord(source(), "r", options);
    expect(new TextDecoder().decode(record.data)).toBe("hello");
    expect(Object.fromEntries(record.headers)[H.truncated]).toBeUndefined();
  });
});
