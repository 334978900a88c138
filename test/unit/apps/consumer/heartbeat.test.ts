import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Heartbeat } from "../../../../src/apps/consumer/heartbeat.js";

describe("Heartbeat", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function message() {
    let beats = 0;
    return { inProgress: () => void beats++, beats: () => beats };
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

  it("runs no timer while nothing is tracked", () => {
    const heartbeat = new Heartbeat(100);
    const untrack = heartbeat.track(message());
    expect(vi.getTimerCount()).toBe(1);
    untrack();
    expect(vi.getTimerCount()).toBe(0);
    heartbeat.track(message());
    expect(vi.getTimerCount()).toBe(1);
  });

  it("rejects an interval below 1 ms", () => {
    expect(() => new Heartbeat(0)).toThrow(/>= 1 ms/);
  });
});
