import { describe, expect, it } from "vitest";
import { SettleWindow } from "../../../../src/apps/consumer/settle-window.js";

/** A settle whose confirmation the test controls. */
function pendingSettle() {
  let confirm: () => void = () => {};
  const promise = new Promise<void>((resolve) => (confirm = resolve));
  return { promise, confirm };
}

/** Whether `promise` has settled after pending callbacks ran. */
async function isDone(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe("SettleWindow", () => {
  it("admits settles up to its capacity without waiting", async () => {
    const window = new SettleWindow(2);
    const a = pendingSettle();
    const b = pendingSettle();
    expect(await isDone(window.add(a.promise))).toBe(true);
    expect(await isDone(window.add(b.promise))).toBe(true);
    expect(window.size).toBe(2);
  });

  it("makes the caller wait for the oldest settle once more than capacity are outstanding", async () => {
    const window = new SettleWindow(2);
    const settles = [pendingSettle(), pendingSettle(), pendingSettle()];
    await window.add(settles[0]!.promise);
    await window.add(settles[1]!.promise);
    const third = window.add(settles[2]!.promise);
    expect(await isDone(third)).toBe(false);
    settles[1]!.confirm(); // any settle that ends makes room, not only the oldest
    expect(await isDone(third)).toBe(true);
    expect(window.size).toBe(2);
  });

  it("counts outstanding settles, whatever order they end in", async () => {
    const window = new SettleWindow(1);
    const first = pendingSettle();
    const second = pendingSettle();
    await window.add(first.promise);
    const admitted = window.add(second.promise);
    second.confirm();
    expect(await isDone(admitted)).toBe(true); // size 1 after the second ended
    expect(window.size).toBe(1);
    first.confirm();
    await window.drain();
    expect(window.size).toBe(0);
  });

  it("drains every outstanding settle", async () => {
    const window = new SettleWindow(10);
    const settles = [pendingSettle(), pendingSettle()];
    for (const s of settles) await window.add(s.promise);
    const drained = window.drain();
    expect(await isDone(drained)).toBe(false);
    settles[0]!.confirm();
    expect(await isDone(drained)).toBe(false);
    settles[1]!.confirm();
    expect(await isDone(drained)).toBe(true);
    expect(window.size).toBe(0);
  });

  it("rejects a bad capacity naming it", () => {
    expect(() => new SettleWindow(0)).toThrow(/capacity must be an integer >= 1, got 0/);
  });
});
