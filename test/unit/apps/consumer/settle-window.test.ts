import { describe, expect, it } from "vitest";
import { SettleWindow } from "../../../../src/apps/consumer/settle-window.js";

/** A settle whose confirmation the test controls. */
function pendingSettle(value = "ok") {
  let confirm: () => void = () => {};
  const promise = new Promise<string>((resolve) => (confirm = () => resolve(value)));
  return { promise, confirm };
}

/** Whether `promise` has settled after pending callbacks ran. */
async function isDone(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

const ignore = (): void => {};

describe("SettleWindow", () => {
  it("admits settles up to its capacity synchronously: nothing to await", () => {
    const window = new SettleWindow(2);
    expect(window.add(pendingSettle().promise, ignore)).toBeUndefined();
    expect(window.add(pendingSettle().promise, ignore)).toBeUndefined();
    expect(window.size).toBe(2);
  });

  it("makes the caller wait once more than capacity are outstanding, until any one ends", async () => {
    const window = new SettleWindow(2);
    const settles = [pendingSettle(), pendingSettle(), pendingSettle()];
    window.add(settles[0]!.promise, ignore);
    window.add(settles[1]!.promise, ignore);
    const third = window.add(settles[2]!.promise, ignore);
    // Negative control of the bound: the third is not admitted while three are outstanding.
    expect(third).toBeInstanceOf(Promise);
    expect(await isDone(third!)).toBe(false);
    settles[1]!.confirm(); // any settle that ends makes room, not only the oldest
    expect(await isDone(third!)).toBe(true);
    expect(window.size).toBe(2);
  });

  it("keeps every waiter waiting until the window is back under its bound", async () => {
    const window = new SettleWindow(1);
    const settles = [pendingSettle(), pendingSettle(), pendingSettle()];
    window.add(settles[0]!.promise, ignore);
    const second = window.add(settles[1]!.promise, ignore)!;
    const third = window.add(settles[2]!.promise, ignore)!;
    settles[0]!.confirm(); // 2 outstanding: still over
    expect(await isDone(second)).toBe(false);
    expect(await isDone(third)).toBe(false);
    settles[2]!.confirm();
    expect(await isDone(second)).toBe(true);
    expect(await isDone(third)).toBe(true);
  });

  it("passes each settle's value to its own callback once it ends", async () => {
    const window = new SettleWindow(10);
    const ended: string[] = [];
    const a = pendingSettle("a");
    const b = pendingSettle("b");
    window.add(a.promise, (value) => ended.push(value));
    window.add(b.promise, (value) => ended.push(value));
    b.confirm();
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toEqual(["b"]);
    a.confirm();
    await window.drain();
    expect(ended).toEqual(["b", "a"]);
  });

  it("drains every outstanding settle", async () => {
    const window = new SettleWindow(10);
    const settles = [pendingSettle(), pendingSettle()];
    for (const s of settles) window.add(s.promise, ignore);
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
