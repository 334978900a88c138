import { describe, expect, it } from "vitest";
import { InFlightLimit } from "../../../src/util/in-flight-limit.js";

describe("InFlightLimit", () => {
  it("takes slots synchronously up to the capacity", () => {
    const limit = new InFlightLimit(2);
    expect(limit.tryAcquire()).toBe(true);
    expect(limit.tryAcquire()).toBe(true);
    expect(limit.available).toBe(false);
    expect(limit.tryAcquire()).toBe(false);
    expect(limit.inUse).toBe(2);
    limit.release();
    expect(limit.available).toBe(true);
    expect(limit.tryAcquire()).toBe(true);
  });

  it("wakes the waiter on a release, and resolves false on abort", async () => {
    const limit = new InFlightLimit(1);
    const controller = new AbortController();
    limit.tryAcquire();
    const woken = limit.whenAvailable(controller.signal);
    limit.release();
    await expect(woken).resolves.toBe(true);
    limit.tryAcquire();
    const aborted = limit.whenAvailable(controller.signal);
    controller.abort();
    await expect(aborted).resolves.toBe(false);
    await expect(limit.whenAvailable(controller.signal)).resolves.toBe(false);
  });

  it("resolves idle() once every slot is released", async () => {
    const limit = new InFlightLimit(3);
    await expect(limit.idle()).resolves.toBeUndefined();
    limit.tryAcquire();
    limit.tryAcquire();
    let idle = false;
    const waiting = limit.idle().then(() => (idle = true));
    limit.release();
    await Promise.resolve();
    expect(idle).toBe(false);
    limit.release();
    await waiting;
    expect(idle).toBe(true);
  });

  it("rejects a bad capacity and a release without acquire, naming them", () => {
    expect(() => new InFlightLimit(0)).toThrow("maxInFlight must be an integer >= 1, got 0");
    expect(() => new InFlightLimit(1).release()).toThrow("release without acquire");
  });
});
