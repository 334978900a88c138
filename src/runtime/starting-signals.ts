/**
 * SIGTERM or SIGINT while an app is still starting (loading its modules, opening the consumer's
 * sink, connecting to the broker and provisioning, both of which retry for a while): exit 0 at
 * once. Nothing has been pulled or published yet, so there is nothing to drain or hand back, and
 * waiting for a broker connect that may retry for many seconds would outlast the pod's grace
 * period. A scaler that scales out and back in quickly sends exactly this. The one mechanism for
 * both apps.
 *
 * Each app's main.ts imports this module first: ES modules are evaluated in import order, so the handlers are
 * in place before the heavy modules (broker clients, pino, prom-client) are evaluated. Only a
 * signal in the first few tens of milliseconds, before Node runs any JavaScript, still ends the
 * process by the signal. `startupFinished()` removes the handlers just before the app starts its
 * work (the consumer pulling, the producer publishing); from then on the app runtime's
 * drain-on-SIGTERM applies.
 */
const SIGNALS = ["SIGTERM", "SIGINT"] as const;

function exitWhileStarting(signal: NodeJS.Signals): void {
  process.stderr.write(`${signal} while starting, no work begun yet: exiting 0\n`);
  process.exit(0);
}

for (const signal of SIGNALS) process.on(signal, exitWhileStarting);

/** The app is about to start its work: signals now go to its drain (ShutdownSignal) alone. */
export function startupFinished(): void {
  for (const signal of SIGNALS) process.off(signal, exitWhileStarting);
}
