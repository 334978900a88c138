/**
 * Drift-free send schedule: message k is due at `dueTime(profile, k)` seconds after start, read
 * against a monotonic clock. Pure (time is passed in), so tests drive it over long virtual runs.
 */
import { cumulativeAt, dueTime, rateAt, type RateProfile } from "./rate-profile.js";

export interface SchedulerProps {
  readonly profile: RateProfile;
  /**
   * How far behind schedule (seconds) the producer may be and still send the late messages at
   * once; messages due earlier than that are skipped, so a stall never turns into an unbounded burst.
   */
  readonly catchUpWindowSeconds: number;
}

/** What to do at `now`: send message `index` (due at `dueAt`), or wait until `wakeAt` (Infinity: paused). */
export type ScheduleStep =
  | { readonly send: true; readonly index: number; readonly dueAt: number }
  | { readonly send: false; readonly wakeAt: number };

export class Scheduler {
  private next = 0;
  private skippedCount = 0;

  constructor(private readonly props: SchedulerProps) {
    if (!(props.catchUpWindowSeconds >= 0))
      throw new Error(`catchUpWindowSeconds must be >= 0, got ${props.catchUpWindowSeconds}`);
  }

  /** Messages skipped because they fell further behind than the catch-up window. */
  get skipped(): number {
    return this.skippedCount;
  }

  /** The profile as written, for logs. */
  get description(): string {
    return this.props.profile.description;
  }

  /** Index of the next message to send. */
  get index(): number {
    return this.next;
  }

  /** Target rate at `now` (seconds since start). */
  rateAt(now: number): number {
    return rateAt(this.props.profile, now);
  }

  /** Call with the seconds since start; on `send`, the message counts as sent. */
  poll(now: number): ScheduleStep {
    let due = dueTime(this.props.profile, this.next);
    if (due > now) return { send: false, wakeAt: due };
    const oldest = now - this.props.catchUpWindowSeconds;
    if (due < oldest) {
      const resume = Math.max(this.next, Math.ceil(cumulativeAt(this.props.profile, oldest)));
      this.skippedCount += resume - this.next;
      this.next = resume;
      due = dueTime(this.props.profile, this.next);
      if (due > now) return { send: false, wakeAt: due };
    }
    const index = this.next++;
    return { send: true, index, dueAt: due };
  }
}
