/**
 * Starting the measured processes of a scenario the same way for the app and the raw baseline: the
 * same contract variables (RATE_PER_SECOND, MESSAGE_LIMIT, MAX_IN_FLIGHT, PAYLOAD_BYTES, BATCH_SIZE, …),
 * the broker's variables for the app, the same stream and group as `RAW_*` for the raw worker.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { AppVariables } from "../../../testkit/app-env.js";
import { freePort } from "../../../testkit/nats-server.js";
import { rawTargetEnv } from "../../baselines/raw-target.js";
import type { BrokerUnderTest } from "../broker-under-test.js";
import { MeasuredProcess, type Implementation, type Role } from "../processes.js";

/** A started participant and how to know it is ready. */
export interface Participant {
  readonly process: MeasuredProcess;
  /** App: GET /readyz answers 200. Raw: the worker printed `ready`. */
  ready(timeoutMs: number): Promise<void>;
}

async function httpReady(process: MeasuredProcess, port: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (!process.running) throw new Error(`${process.name} exited before it was ready:\n${process.tail()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline)
      throw new Error(
        `${process.name} not ready on :${port}/readyz within ${timeoutMs} ms:\n${process.tail()}`,
      );
    await sleep(25);
  }
}

/** Start `impl`'s `role` against `broker` with the contract variables `vars`. */
export async function startParticipant<R extends Role>(
  broker: BrokerUnderTest,
  impl: Implementation,
  role: R,
  vars: AppVariables<R>,
  /** Tells apart the members of a group (appended to INSTANCE_ID). @default none */
  member?: string,
): Promise<Participant> {
  const instance = { INSTANCE_ID: `bench-${impl}-${role}${member === undefined ? "" : `-${member}`}` };
  if (impl === "raw") {
    const process = MeasuredProcess.raw(role, { ...rawTargetEnv(broker.rawTarget), ...instance, ...vars });
    return { process, ready: (timeoutMs) => process.waitForOutput(/^ready$/m, timeoutMs) };
  }
  const port = await freePort();
  const process = MeasuredProcess.app(role, {
    ...broker.appEnv,
    HTTP_PORT: String(port),
    LOG_LEVEL: "warn",
    ...instance,
    ...vars,
  });
  return { process, ready: (timeoutMs) => httpReady(process, port, timeoutMs) };
}
