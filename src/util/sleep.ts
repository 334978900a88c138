/** Sleep for `ms` (Infinity: until aborted). Resolves true when the time passed, false when `signal` aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    // setTimeout caps at 2^31-1 ms; longer sleeps wake up early and the caller re-plans.
    const delay = Math.min(Math.max(0, ms), 2 ** 31 - 1);
    const timer = Number.isFinite(ms) ? setTimeout(done, delay, true) : undefined;
    function done(passed: boolean): void {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(passed);
    }
    function onAbort(): void {
      done(false);
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
