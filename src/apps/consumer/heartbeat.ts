/**
 * In-progress heartbeats for every message in work, from one interval timer: it calls
 * `inProgress()` on each tracked message every `intervalMs`, so a message never goes longer than
 * `intervalMs` without one. One timer for all of them instead of one per message: a per-message
 * `setInterval` and its clearing were a measurable part of the consumer's CPU per message at work 0
 * (docs/benchmarks.md). For the same reason the timer is not cleared each time the last message is
 * untracked (at CONCURRENCY 1 and work 0 that is once per message): it is unreferenced while nothing
 * is tracked, so it keeps no idle process alive, and it stops at the first tick that finds nothing.
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
    if (this.timer === undefined) this.timer = setInterval(() => this.beat(), this.intervalMs);
    else if (this.tracked.size === 1) this.timer.ref();
    return () => {
      this.tracked.delete(message);
      if (this.tracked.size === 0) this.timer?.unref();
    };
  }

  private beat(): void {
    if (this.tracked.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    for (const m of this.tracked) m.inProgress();
  }
}
