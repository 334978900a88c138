import type { ApplyResult, Effect, EffectSink } from "./effect-sink.js";

/**
 * Without SINK_DIR: a bounded seen-set of ids in this process (oldest forgotten first). Catches
 * redeliveries to the same instance only; the file sink is the one that holds across instances.
 */
export class MemoryEffectSink implements EffectSink {
  /** Applied ids and their body digests, oldest first. */
  private readonly seen = new Map<string, string>();

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`MemoryEffectSink capacity must be >= 1, got ${capacity}`);
  }

  async apply(effect: Effect): Promise<ApplyResult> {
    const digest = this.seen.get(effect.id);
    if (digest !== undefined) return digest === effect.digest ? "duplicate" : "conflict";
    this.seen.set(effect.id, effect.digest);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return "applied";
  }

  async close(): Promise<void> {}
}
