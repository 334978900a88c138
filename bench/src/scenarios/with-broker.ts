/** Run one measurement on a fresh, provisioned broker, stopping every process and the broker afterwards. */
import { startBroker, type BrokerUnderTest } from "../broker-under-test.js";
import type { BenchBroker } from "../options.js";
import type { MeasuredProcess } from "../processes.js";

/** Processes started inside a measurement; all are stopped (SIGTERM, then SIGKILL) when it ends. */
export class ProcessSet {
  private readonly processes: MeasuredProcess[] = [];
  add<T extends MeasuredProcess>(process: T): T {
    this.processes.push(process);
    return process;
  }
  /** Teardown is not measured: SIGKILL, so a slow drain does not stretch the bench (cold-start measures the drain). */
  async stopAll(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.kill().catch(() => null)));
  }
}

export async function withBroker<T>(
  kind: BenchBroker,
  measure: (broker: BrokerUnderTest, processes: ProcessSet) => Promise<T>,
): Promise<T> {
  const broker = await startBroker(kind);
  const processes = new ProcessSet();
  try {
    await broker.provision();
    return await measure(broker, processes);
  } finally {
    await processes.stopAll();
    await broker.stop();
  }
}
