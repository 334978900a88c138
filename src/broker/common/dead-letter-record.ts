/**
 * The dead-letter record both adapters send, built from whatever bytes and headers a delivery
 * carried, so that dead-lettering cannot fail on the message's own content:
 * - the reason is one line (every control character escaped) and at most `DEAD_LETTER_LIMITS.reasonChars`
 *   long: a reason quoting the input (a JSON parser's snippet, an id with a newline) cannot break a
 *   header or a log line;
 * - of the original's headers only the application's are copied: reserved `Nats-*` headers (a
 *   `Nats-Expected-Stream` would make JetStream refuse the copy, a `Nats-Msg-Id` would dedup it),
 *   the id header (it becomes `Original-Msg-Id`) and the record's own headers (a producer could
 *   spoof them) are dropped, and the record's headers are set from what the consumer knows;
 * - the record fits the server's `max_payload`: a body that does not fit beside the headers is
 *   truncated, and `Dead-Letter-Truncated` says how long it was. Truncation, not a pointer to the
 *   original: the record stays self-contained when the original has aged out of its stream
 *   (RETENTION_SECONDS), and `Original-Stream`/`Original-Sequence` (always set) still lead to the
 *   full body while it is retained, with `Original-Body-Sha256` to check it is the same one;
 * - its dedup key names the original by stream, sequence and body digest, never by the producer's
 *   id (which anyone can choose, and which could equal another message's key): a duplicate ack for
 *   that key can only come from an earlier attempt at this same message.
 */
import { createHash } from "node:crypto";
import type { MessageHeaders } from "../port.js";

/** Headers of a dead-letter record. Original headers with these names (any case) are dropped. */
export const DEAD_LETTER_HEADERS = {
  reason: "Dead-Letter-Reason",
  originalStream: "Original-Stream",
  originalSequence: "Original-Sequence",
  originalMsgId: "Original-Msg-Id",
  deliveryCount: "Delivery-Count",
  deadLetteredAt: "Dead-Lettered-At",
  /** The original body's SHA-256 (hex), whether or not the body was truncated. */
  originalBodySha256: "Original-Body-Sha256",
  /** Set only when the body was truncated: the original body's length in bytes. */
  truncated: "Dead-Letter-Truncated",
  /** Set only when the original's application headers were dropped to fit: how many. */
  headersDropped: "Dead-Letter-Headers-Dropped",
} as const;

/** Bounds of a record. */
export const DEAD_LETTER_LIMITS = {
  /** Longest reason kept (characters); a longer one ends in "…". */
  reasonChars: 512,
  /** Longest original id kept in `Original-Msg-Id` (characters). */
  idChars: 256,
} as const;

/** Header name prefix JetStream reserves (case-insensitive): never copied from an original. */
const RESERVED_PREFIX = "nats-";
const OWN_HEADERS = new Set(Object.values(DEAD_LETTER_HEADERS).map((name) => name.toLowerCase()));
/** A header name the NATS protocol accepts: printable ASCII without a colon. */
const HEADER_NAME = /^[!-9;-~]+$/;
// Every C0 and C1 control character, DEL and the two JavaScript line separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * `text` as one line: control characters as `\uXXXX`, at most `maxChars` characters (the cut ends
 * in "…" and never splits a surrogate pair), no surrounding spaces (NATS trims header values).
 */
export function oneLine(text: string, maxChars: number = DEAD_LETTER_LIMITS.reasonChars): string {
  const escaped = text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).trim();
  if (escaped.length <= maxChars) return escaped;
  let cut = maxChars - 1;
  const last = escaped.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${escaped.slice(0, cut).trimEnd()}…`;
}

/** The delivery being dead-lettered, as the adapter knows it. */
export interface DeadLetterSource {
  /** The JetStream stream it was stored in. */
  readonly stream: string;
  /** Its stream sequence. */
  readonly sequence: number;
  /** Its dedup id, when it carried one. */
  readonly id: string | undefined;
  readonly deliveryCount: number;
  readonly data: Uint8Array;
  /** Its headers, single-valued (the adapter's id header and broker-internal ones included or not). */
  readonly headers: MessageHeaders;
}

export interface DeadLetterRecordOptions {
  /** The server's max_payload: headers plus body must not exceed it. */
  readonly maxPayload: number;
  /** The adapter's id header (left out of the copied headers). */
  readonly idHeader: string;
  /** Header the dedup key goes in (it counts towards the size). */
  readonly dedupHeader: string;
  /** @default new Date() */
  readonly now?: Date;
}

/** A record ready to publish. */
export interface DeadLetterRecord {
  /** Headers in order, the dedup header included. */
  readonly headers: readonly (readonly [string, string])[];
  readonly data: Uint8Array;
  /** The dedup key (also in `headers` under `dedupHeader`). */
  readonly dedupKey: string;
}

const encoder = new TextEncoder();

/** Bytes of `headers` in the NATS wire format (`NATS/1.0\r\n`, `key: value\r\n` each, `\r\n`). */
export function encodedHeaderBytes(headers: readonly (readonly [string, string])[]): number {
  let bytes = "NATS/1.0\r\n\r\n".length;
  for (const [key, value] of headers) bytes += encoder.encode(`${key}: ${value}\r\n`).length;
  return bytes;
}

/** The record's dedup key: the original's stream, sequence and body digest (unambiguous: no field holds a colon). */
export function deadLetterDedupKey(stream: string, sequence: number, bodySha256: string): string {
  return `dlq:${stream}:${sequence}:${bodySha256.slice(0, 32)}`;
}

/** Application headers of the original that the record keeps. */
function copiedHeaders(source: DeadLetterSource, idHeader: string): [string, string][] {
  const id = idHeader.toLowerCase();
  const kept: [string, string][] = [];
  for (const [key, value] of Object.entries(source.headers)) {
    const lower = key.toLowerCase();
    if (lower === id || lower.startsWith(RESERVED_PREFIX) || OWN_HEADERS.has(lower)) continue;
    if (!HEADER_NAME.test(key)) continue;
    kept.push([key, oneLine(value, Number.MAX_SAFE_INTEGER)]);
  }
  return kept;
}

/**
 * Build the record of `source` dead-lettered for `reason`. Throws only when even the record's own
 * headers exceed `maxPayload` (a max_payload below ~1 KiB).
 */
export function buildDeadLetterRecord(
  source: DeadLetterSource,
  reason: string,
  options: DeadLetterRecordOptions,
): DeadLetterRecord {
  const H = DEAD_LETTER_HEADERS;
  const bodySha256 = createHash("sha256").update(source.data).digest("hex");
  const dedupKey = deadLetterDedupKey(source.stream, source.sequence, bodySha256);
  const own: [string, string][] = [
    [options.dedupHeader, dedupKey],
    [H.reason, oneLine(reason) || "(no reason)"],
    [H.originalStream, source.stream],
    [H.originalSequence, String(source.sequence)],
    [H.deliveryCount, String(source.deliveryCount)],
    [H.deadLetteredAt, (options.now ?? new Date()).toISOString()],
    [H.originalBodySha256, bodySha256],
  ];
  if (source.id !== undefined && oneLine(source.id, DEAD_LETTER_LIMITS.idChars) !== "")
    own.push([H.originalMsgId, oneLine(source.id, DEAD_LETTER_LIMITS.idChars)]);
  // Room for the two markers, whether or not they are set, so that setting one cannot overflow.
  const markers: [string, string][] = [
    [H.truncated, String(Number.MAX_SAFE_INTEGER)],
    [H.headersDropped, String(Number.MAX_SAFE_INTEGER)],
  ];
  const ownBytes = encodedHeaderBytes([...own, ...markers]);
  if (ownBytes > options.maxPayload)
    throw new Error(
      `a dead-letter record needs ${ownBytes} bytes of headers, above max_payload ${options.maxPayload}`,
    );
  let copied = copiedHeaders(source, options.idHeader);
  const withCopied = encodedHeaderBytes([...own, ...copied, ...markers]);
  const headers: [string, string][] = [...own];
  // The original's application headers go first when the record cannot hold them beside its own.
  if (withCopied > options.maxPayload) {
    headers.push([H.headersDropped, String(copied.length)]);
    copied = [];
  }
  headers.push(...copied);
  const room = options.maxPayload - encodedHeaderBytes([...headers, ...markers]);
  let data = source.data;
  if (data.length > room) {
    data = data.subarray(0, room);
    headers.push([H.truncated, String(source.data.length)]);
  }
  return { headers, data, dedupKey };
}
