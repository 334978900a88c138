/**
 * The stale-socket guard's decisions, on a hand-fed status stream (the partition itself, with a
 * real server and client, is test/integration/broker/stale-connection.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { guardStaleSocket } from "../../../../src/broker/common/stale-socket-guard.js";

/** A status stream fed by the test, and a connection-shaped object around it. */
function connection(transport: object | undefined) {
  const queue: { type: string }[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const statuses: AsyncIterable<{ type: string }> = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
  const push = (type: string): void => {
    queue.push({ type });
    wake?.();
  };
  const end = (): void => {
    ended = true;
    wake?.();
  };
  return { nc: { status: () => statuses, protocol: { transport } }, push, end };
}

function socket() {
  const destroyed: (Error | undefined)[] = [];
  return {
    destroyed,
    value: {
      get destroyed() {
        return destroyed.length > 0;
      },
      destroy: (error?: Error) => void destroyed.push(error),
    },
  };
}

/** Let the guard see what was pushed, and `ms` of (fake) time pass. */
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe("guardStaleSocket", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("destroys the socket when a stale connection is still open after the grace period", async () => {
    const s = socket();
    const c = connection({ socket: s.value });
    const reports: string[] = [];
    const guard = guardStaleSocket(c.nc, { graceMs: 20, report: (outcome) => reports.push(outcome) });
    c.push("staleConnection");
    await advance(19);
    expect(s.destroyed).toHaveLength(0);
    await advance(1);
    expect(s.destroyed).toHaveLength(1);
    c.end();
    await guard;
    expect(reports).toEqual(["forced"]);
  });

  it("leaves a connection alone that disconnects by itself within the grace period (negative control)", async () => {
    const s = socket();
    const c = connection({ socket: s.value });
    const reports: string[] = [];
    const guard = guardStaleSocket(c.nc, { graceMs: 40, report: (outcome) => reports.push(outcome) });
    c.push("staleConnection");
    await advance(39);
    c.push("disconnect");
    await advance(100);
    c.end();
    await guard;
    expect(s.destroyed).toHaveLength(0);
    expect(reports).toEqual([]);
  });

  it("reports, instead of doing nothing silently, when the client no longer has its socket where the guard looks", async () => {
    const c = connection(undefined);
    const reports: string[] = [];
    const guard = guardStaleSocket(c.nc, { graceMs: 10, report: (outcome) => reports.push(outcome) });
    c.push("staleConnection");
    await advance(10);
    c.end();
    await guard;
    expect(reports).toEqual(["unreachable"]);
  });
});
