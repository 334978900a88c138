import { describe, expect, it } from "vitest";
import {
  createEnvelope,
  decodeEnvelope,
  encodeEnvelope,
  ENVELOPE_VERSION,
  MalformedEnvelopeError,
} from "../../../src/runtime/envelope.js";

describe("envelope", () => {
  it("round-trips and keeps every field", () => {
    const envelope = createEnvelope({ seq: 7, producer: "p-1", payload: { data: "xxxx" } }, () => 1234);
    expect(envelope).toMatchObject({ v: ENVELOPE_VERSION, seq: 7, producer: "p-1", producedAt: 1234 });
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
});
