import { describe, expect, it } from "vitest";
import { parseLoadProfile } from "../../../../src/apps/producer/load-profile.js";
import { constantProfile, dueTime } from "../../../../src/apps/producer/rate-profile.js";
import { Scheduler } from "../../../../src/apps/producer/scheduler.js";

/** Run a scheduler on a virtual clock that jumps to each wake-up time; returns send times. */
function runVirtual(scheduler: Scheduler, until: number, jitter = 0): number[] {
  const sent: number[] = [];
  let now = 0;
  while (now <= until) {
    const step = scheduler.poll(now);
    if (step.send) {
      sent.push(now);
      continue;
    }
    if (step.wakeAt === Infinity) break;
    // a real timer fires late, never early
    now = Math.max(now, step.wakeAt) + jitter;
  }
  return sent;
}

describe("Scheduler", () => {
  it.each([0.01, 0.5, 1, 7, 100, 1000, 5000])(
    "holds %s msg/s without drift over a long virtual run",
    (rate) => {
      const duration = Math.max(1000 / rate, 200); // at least 1000 messages or 200 s
      const scheduler = new Scheduler({ profile: constantProfile(rate), catchUpWindowSeconds: 1 });
      const sent = runVirtual(scheduler, duration, 0.0003).filter((t) => t <= duration);
      const expected = Math.floor(duration * rate) + 1;
      // timer lateness (0.3 ms per wake-up) may push the last few past the end, never more
      expect(Math.abs(sent.length - expected)).toBeLessThanOrEqual(Math.ceil(rate * 0.0003) + 1);
      // the k-th message is never more than the timer lateness behind start + k/rate, and never early
      const lags = sent.map((t, k) => t - k / rate);
      expect(lags.reduce((a, b) => Math.max(a, b), -Infinity)).toBeLessThan(0.001);
      expect(lags.reduce((a, b) => Math.min(a, b), Infinity)).toBeGreaterThanOrEqual(-1e-9);
      expect(scheduler.skipped).toBe(0);
    },
  );

  it("keeps exact due times after a million messages", () => {
    const profile = constantProfile(3000);
    expect(dueTime(profile, 1_000_000)).toBeCloseTo(1_000_000 / 3000, 9);
  });

  it("pauses at rate 0", () => {
    const scheduler = new Scheduler({ profile: constantProfile(0), catchUpWindowSeconds: 1 });
    expect(scheduler.poll(0)).toEqual({ send: false, wakeAt: Infinity });
    expect(scheduler.poll(1e6)).toEqual({ send: false, wakeAt: Infinity });
  });

  it("catches up a stall only within the catch-up window and skips the rest", () => {
    const scheduler = new Scheduler({ profile: constantProfile(100), catchUpWindowSeconds: 0.5 });
    expect(scheduler.poll(0)).toMatchObject({ send: true, index: 0 });
    // stalled for 10 s: 1000 messages overdue, only the last 0.5 s worth (50) may go out at once
    let burst = 0;
    while (scheduler.poll(10).send) burst++;
    expect(burst).toBeGreaterThanOrEqual(50);
    expect(burst).toBeLessThanOrEqual(52);
    expect(scheduler.skipped).toBeGreaterThan(940);
    expect(scheduler.skipped + burst + 1).toBe(scheduler.index);
  });

  it("follows a steps profile, including a paused step", () => {
    const scheduler = new Scheduler({
      profile: parseLoadProfile("steps:10@10s,0@5s,2@5s", 0),
      catchUpWindowSeconds: 1,
    });
    const sent = runVirtual(scheduler, 40);
    const inWindow = (a: number, b: number) => sent.filter((t) => t >= a && t < b).length;
    expect(inWindow(0, 10)).toBe(100);
    expect(inWindow(10, 15)).toBe(0);
    expect(inWindow(15, 20)).toBe(10);
    expect(inWindow(20, 30)).toBe(100); // the cycle repeats
  });
});
