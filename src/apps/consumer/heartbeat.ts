/**
 * In-progress heartbeats for every message in work, from one interval timer: it runs while at
 * least one message is tracked and calls `inProgress()` on each every `intervalMs`, so a message
 * never goes longer than `intervalMs` without one. One timer for all of them instead of one per
 * message: a per-message `setInterval` and its clearing were a measurable part of the consumer's
 * CPU per message at work 0 (docs/benchmarks.md).
 */
import type { DeliveredMessage } from "../../broker/port.js";

export class Heartbeat {
  private readonly tracked = new Set<Pick<DeliveredMessage, "inProgress">>();
  private timer: NodeJS.Timeout | undefined;

  /** @param intervalMs Longest time between two heartbeats of a tracked message (ms, >= 1). */
  constructor(private readonly intervalMs: number) {
    if (!(intervalMs >= 1)) throw new Error(`heartbeat interval must be >= 1 ms, got ${intervalMs}`);
  }

  /** Send heartbeats for `message` until the returned function is called. */
  track(message: Pick<DeliveredMessage, "inProgress">): () => void {
    this.tracked.add(message);
    this.timer ??= setInterval(() => {
      for (const m of this.tracked) m.inProgress();
    }, this.intervalMs);
    return () => {
      this.tracked.delete(message);
      if (this.tracked.size === 0 && this.timer !== undefined) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }
}
