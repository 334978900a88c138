import { describe, expect, it } from "vitest";
import {
  createEnvelope,
  decodeEnvelope,
  encodeEnvelope,
  ENVELOPE_VERSION,
  escapeId,
  isPoisonPayload,
  MalformedEnvelopeError,
  PRODUCED_AT_WINDOW,
} from "../../../src/runtime/envelope.js";

describe("envelope", () => {
  it("round-trips and keeps every field", () => {
    const at = Date.UTC(2026, 0, 1);
    const envelope = createEnvelope({ seq: 7, producer: "p-1", payload: { data: "xxxx" } }, () => at);
    expect(envelope).toMatchObject({ v: ENVELOPE_VERSION, seq: 7, producer: "p-1", producedAt: at });
    expect(envelope.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
  });

  it("creates a new id per envelope", () => {
    const a = createEnvelope({ seq: 1, producer: "p", payload: null });
    const b = createEnvelope({ seq: 1, producer: "p", payload: null });
    expect(a.id).not.toBe(b.id);
  });

  it.each([
    [new Uint8Array([0xff, 0xfe]), /not UTF-8 JSON/],
    [new TextEncoder().encode("[1]"), /not a JSON object/],
    [
      new TextEncoder().encode('{"v":2,"id":"","seq":0,"producedAt":"x","producer":1}'),
      /v must be 1; id must be/,
    ],
  ])("rejects malformed bytes %#", (bytes, message) => {
    expect(() => decodeEnvelope(bytes)).toThrow(MalformedEnvelopeError);
    expect(() => decodeEnvelope(bytes)).toThrow(message);
  });

  it("takes producedAt only from 2020 to a day ahead of now", () => {
    const now = Date.UTC(2026, 5, 1);
    const at = (producedAt: number) =>
      new TextEncoder().encode(
        JSON.stringify({ ...createEnvelope({ seq: 1, producer: "p", payload: {} }), producedAt }),
      );
    for (const ok of [PRODUCED_AT_WINDOW.earliestMs, now, now + PRODUCED_AT_WINDOW.maxAheadMs])
      expect(decodeEnvelope(at(ok), now).producedAt).toBe(ok);
    for (const bad of [-1e300, 0, PRODUCED_AT_WINDOW.earliestMs - 1, now + PRODUCED_AT_WINDOW.maxAheadMs + 1])
      expect(() => decodeEnvelope(at(bad), now), String(bad)).toThrow(/producedAt/);
  });

  it("escapes ids for line-oriented records, leaving UUIDs and safe ids as they are", () => {
    const uuid = createEnvelope({ seq: 1, producer: "p", payload: null }).id;
    expect(escapeId(uuid)).toBe(uuid);
    expect(escapeId("a b\nc%/\u0000é")).toBe("a%20b%0Ac%25%2F%00%C3%A9");
    expect(escapeId("\ud800")).toBe("%EF%BF%BD");
  });

  it("states the poison marker: payload.poison is the JSON true, nothing else", () => {
    expect(isPoisonPayload({ poison: true })).toBe(true);
    for (const payload of [
      { poison: "true" },
      { poison: 1 },
      [true],
      null,
      "poison",
      JSON.parse('{"__proto__":{"poison":true}}'),
    ])
      expect(isPoisonPayload(payload), JSON.stringify(payload)).toBe(false);
  });
});
