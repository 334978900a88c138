import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Heartbeat } from "../../../../src/apps/consumer/heartbeat.js";

describe("Heartbeat", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(globalThis, "setInterval");
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  function message() {
    let beats = 0;
    return { inProgress: () => void beats++, beats: () => beats };
  }

  /** Whether the interval the heartbeat started last keeps the process alive. */
  function hasRefTimer(): boolean {
    const timer = vi.mocked(setInterval).mock.results.at(-1)?.value as NodeJS.Timeout | undefined;
    return timer?.hasRef() ?? false;
  }

  it("beats every interval for each tracked message, and stops for an untracked one", () => {
    const heartbeat = new Heartbeat(100);
    const a = message();
    const b = message();
    const untrackA = heartbeat.track(a);
    vi.advanceTimersByTime(50);
    const untrackB = heartbeat.track(b);
    vi.advanceTimersByTime(50); // 100 ms: first beat for both (b tracked for 50 ms: sooner is harmless)
    expect([a.beats(), b.beats()]).toEqual([1, 1]);
    untrackA();
    vi.advanceTimersByTime(200);
    expect([a.beats(), b.beats()]).toEqual([1, 3]);
    untrackB();
  });

  it("keeps no idle process alive, and stops its timer at the first tick with nothing tracked", () => {
    const heartbeat = new Heartbeat(100);
    const untrack = heartbeat.track(message());
    expect(vi.getTimerCount()).toBe(1);
    untrack();
    // Not cleared per message (at work 0 that is once per message), but unreferenced at once.
    expect(vi.getTimerCount()).toBe(1);
    expect(hasRefTimer()).toBe(false);
    vi.advanceTimersByTime(100);
    expect(vi.getTimerCount()).toBe(0);
    heartbeat.track(message());
    expect(vi.getTimerCount()).toBe(1);
    expect(hasRefTimer()).toBe(true);
  });

  it("references its timer again when a message is tracked before the idle tick, and beats it", () => {
    const heartbeat = new Heartbeat(100);
    heartbeat.track(message())();
    const b = message();
    heartbeat.track(b);
    expect(hasRefTimer()).toBe(true);
    vi.advanceTimersByTime(100);
    expect(b.beats()).toBe(1);
  });

  it("rejects an interval below 1 ms", () => {
    expect(() => new Heartbeat(0)).toThrow(/>= 1 ms/);
  });
});
