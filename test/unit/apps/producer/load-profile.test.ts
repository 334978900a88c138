import { describe, expect, it } from "vitest";
import { LoadProfileError, parseLoadProfile } from "../../../../src/apps/producer/load-profile.js";
import { cumulativeAt, dueTime, rateAt } from "../../../../src/apps/producer/rate-profile.js";

describe("parseLoadProfile", () => {
  it("constant uses RATE_PER_SECOND unless given", () => {
    expect(rateAt(parseLoadProfile("constant", 7), 123)).toBe(7);
    expect(rateAt(parseLoadProfile("constant:0.5", 7), 123)).toBe(0.5);
  });

  it("steps cycle", () => {
    const p = parseLoadProfile("steps:10@30s,100@1m", 0);
    expect(rateAt(p, 0)).toBe(10);
    expect(rateAt(p, 29.9)).toBe(10);
    expect(rateAt(p, 30)).toBe(100);
    expect(rateAt(p, 95)).toBe(10);
    expect(cumulativeAt(p, 90)).toBeCloseTo(300 + 6000, 9);
  });

  it("ramp rises linearly then holds", () => {
    const p = parseLoadProfile("ramp:0..200@100s", 0);
    expect(rateAt(p, 50)).toBeCloseTo(100, 9);
    expect(rateAt(p, 1000)).toBe(200);
    expect(cumulativeAt(p, 100)).toBeCloseTo(10_000, 6);
    expect(dueTime(p, 10_000)).toBeCloseTo(100, 6);
    expect(dueTime(p, 2500)).toBeCloseTo(50, 6);
  });

  it("ramp down to 0 stops", () => {
    const p = parseLoadProfile("ramp:10..0@10s", 0);
    expect(cumulativeAt(p, 10)).toBeCloseTo(50, 9);
    expect(dueTime(p, 49)).toBeLessThan(10);
    expect(dueTime(p, 50)).toBe(Infinity);
  });

  it("wave integrates to mean × period per cycle", () => {
    const p = parseLoadProfile("wave:50±40@60s", 0);
    expect(rateAt(p, 15)).toBeCloseTo(90, 9);
    expect(rateAt(p, 45)).toBeCloseTo(10, 9);
    expect(cumulativeAt(p, 60)).toBeCloseTo(3000, 6);
    expect(parseLoadProfile("wave:50+-40@60s", 0).segments).toEqual(p.segments);
    // dueTime inverts cumulativeAt
    for (const k of [0, 1, 17, 999, 2999, 3000, 12_345]) {
      const t = dueTime(p, k);
      expect(cumulativeAt(p, t)).toBeCloseTo(k, 6);
    }
  });

  it("wave with amplitude == mean touches 0 and still inverts", () => {
    const p = parseLoadProfile("wave:5±5@10s", 0);
    for (const k of [0, 10, 25, 49, 50, 51]) expect(cumulativeAt(p, dueTime(p, k))).toBeCloseTo(k, 6);
  });

  it("burst adds R for D every P over RATE_PER_SECOND", () => {
    const p = parseLoadProfile("burst:500x2s/30s", 10);
    expect(rateAt(p, 1)).toBe(500);
    expect(rateAt(p, 5)).toBe(10);
    expect(rateAt(p, 31)).toBe(500);
    expect(cumulativeAt(p, 30)).toBeCloseTo(1000 + 280, 9);
  });

  it.each([
    ["sawtooth:1", /not a profile/],
    ["steps:", /steps needs/],
    ["steps:10@30", /not a duration/],
    ["steps:-1@30s", /not a rate/],
    ["ramp:1-2@3s", /ramp must be/],
    ["wave:10±20@60s", /must not exceed the mean/],
    ["burst:500x30s/30s", /shorter than its period/],
    ["steps:10@0s", /longer than 0/],
  ])("rejects %s", (text, message) => {
    expect(() => parseLoadProfile(text, 1)).toThrow(LoadProfileError);
    expect(() => parseLoadProfile(text, 1)).toThrow(message);
  });
});
