/**
 * Reads `Broker.queueDepth()` every few seconds into `broker_queue_depth_messages`. A failed
 * read keeps the last values and is logged at debug (the endpoint may be down with the broker).
 */
import type { Gauge } from "prom-client";
import type { Broker } from "../broker/port.js";
import type { Logger } from "./logger.js";

export interface QueueDepthPollerProps {
  readonly broker: Broker;
  readonly gauge: Gauge<"state">;
  readonly logger: Logger;
  /** Milliseconds between reads. */
  readonly intervalMs: number;
}

export class QueueDepthPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly props: QueueDepthPollerProps) {}

  start(): void {
    if (this.timer) return;
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.props.intervalMs);
    this.timer.unref();
  }

  /** Read once now (skipped while a read is running). */
  poll(): Promise<void> {
    this.running ??= this.read().finally(() => (this.running = undefined));
    return this.running;
  }

  private async read(): Promise<void> {
    try {
      const depth = await this.props.broker.queueDepth();
      this.props.gauge.set({ state: "pending" }, depth.pending);
      this.props.gauge.set({ state: "ack_pending" }, depth.ackPending);
    } catch (error) {
      this.props.logger.debug({ err: error }, "queue depth read failed");
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
