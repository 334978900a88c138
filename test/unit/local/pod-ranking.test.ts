/** Scale-in victims in the ReplicaSet controller's order. */
import { describe, expect, it } from "vitest";
import { podsToDelete, type RankedPod } from "../../../local/scaler/pod-ranking.js";

const now = 1_000_000;
const pod = (name: string, createdAgoMs: number, readyAgoMs?: number): RankedPod => ({
  name,
  createdAtMs: now - createdAgoMs,
  readyAtMs: readyAgoMs === undefined ? undefined : now - readyAgoMs,
});

describe("pod ranking for scale-in", () => {
  it("not ready before ready, even when the ready one is newer", () => {
    const pods = [pod("ready-new", 1_000, 500), pod("starting-old", 60_000)];
    expect(podsToDelete(pods, 1, now).map((p) => p.name)).toEqual(["starting-old"]);
  });

  it("both ready: the more recently ready first, in log2 buckets of the time since ready", () => {
    const pods = [pod("ready-long", 600_000, 590_000), pod("ready-recent", 600_000, 2_000)];
    expect(podsToDelete(pods, 2, now).map((p) => p.name)).toEqual(["ready-recent", "ready-long"]);
  });

  it("ready times in the same bucket fall through to the creation time, newer first", () => {
    // 2.0 s and 2.1 s since ready share floor(log2(ns)); created 10 s and 100 s ago do not.
    const pods = [pod("older", 100_000, 2_100), pod("newer", 10_000, 2_000)];
    expect(podsToDelete(pods, 1, now).map((p) => p.name)).toEqual(["newer"]);
  });

  it("deletes as many as asked, never more than exist", () => {
    const pods = [pod("a", 3), pod("b", 2), pod("c", 1)];
    expect(podsToDelete(pods, 2, now)).toHaveLength(2);
    expect(podsToDelete(pods, 5, now)).toHaveLength(3);
    expect(podsToDelete(pods, 0, now)).toHaveLength(0);
  });
});
