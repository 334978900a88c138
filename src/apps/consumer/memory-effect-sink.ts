import type { ApplyResult, Effect, EffectSink } from "./effect-sink.js";

/**
 * Without SINK_DIR: a bounded seen-set of ids in this process (oldest forgotten first). Catches
 * redeliveries to the same instance only; the file sink is the one that holds across instances.
 */
/** Four base64url characters (24 bits) of `digest` as one small integer. */
function shortDigest(digest: string): number {
  return (
    ((digest.charCodeAt(0) & 0x7f) << 21) |
    ((digest.charCodeAt(1) & 0x7f) << 14) |
    ((digest.charCodeAt(2) & 0x7f) << 7) |
    (digest.charCodeAt(3) & 0x7f)
  );
}

export class MemoryEffectSink implements EffectSink {
  /**
   * Applied ids and 24 bits of their body digests, oldest first: a small integer is stored in the
   * map entry itself, where a digest string would cost an object per id (~7 MiB at capacity).
   * A conflict that collides in those 24 bits is taken for a duplicate (one in 2^24).
   */
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`MemoryEffectSink capacity must be >= 1, got ${capacity}`);
  }

  async apply(effect: Effect): Promise<ApplyResult> {
    const digest = shortDigest(effect.digest);
    const applied = this.seen.get(effect.id);
    if (applied !== undefined) return applied === digest ? "duplicate" : "conflict";
    this.seen.set(effect.id, digest);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return "applied";
  }

  async close(): Promise<void> {}
}
