/**
 * What the consumer's memory limit must hold: a pull buffers up to BATCH_SIZE messages of up to the
 * broker's max_payload, and each one in work costs several times its size at once (the client's
 * read buffers, the message, the decoded text, the parsed envelope, garbage the heap bound lets
 * V8 keep). Measured (test/integration/apps/consumer-memory.test.ts, prod's CONCURRENCY 8, payloads
 * just under 1 MiB, heap bound ¾ of the limit) at BATCH_SIZE 1/5/10/20: peak RSS 68/111/140/196
 * MiB: about 60 MiB of process plus 6–9 MiB per buffered maximal message. The bound below keeps a
 * margin over every point.
 */
/** The process without messages (MiB): the floor of `neededMebibytes`. */
const BASE_MEBIBYTES = 72;

export const CONSUMER_MEMORY = {
  /** The brokers' max_payload: nats-server's default, which the NATS and Memphis charts keep. */
  maxPayloadBytes: 1024 * 1024,
  /** The process without messages (MiB). */
  baseMebibytes: BASE_MEBIBYTES,
  /** Per message a pull may buffer, per MiB of max_payload (MiB). */
  perBufferedMebibytes: 10,
  /** Share of the container limit given to V8's old space (`--max-old-space-size`). */
  heapShare: 0.75,
  /** `--max-old-space-size` (MiB) for a container limit of `limitMebibytes`. */
  heapMebibytes(limitMebibytes: number): number {
    return Math.floor(limitMebibytes * CONSUMER_MEMORY.heapShare);
  },
  /**
   * The memory limit (MiB, a multiple of 16) the consumer needs at `batchSize` with maximal payloads,
   * on a process that peaks at `processMebibytes` without them (at least `baseMebibytes`; the Memphis
   * SDK's process is larger).
   */
  neededMebibytes(batchSize: number, processMebibytes: number = BASE_MEBIBYTES): number {
    const m = CONSUMER_MEMORY;
    const base = Math.max(m.baseMebibytes, processMebibytes);
    const need = base + batchSize * m.perBufferedMebibytes * (m.maxPayloadBytes / 1024 / 1024);
    return Math.ceil(need / 16) * 16;
  },
} as const;
