/**
 * The producer loop: asks the scheduler what is due on a monotonic clock, creates an envelope per
 * due message, and publishes it without waiting for the ack (at most `maxInFlight` at once). It
 * never sleeps after a send: it sleeps until the next due time. Stops on abort or after
 * `messageLimit` messages, then waits for every in-flight publish to settle.
 *
 * Every due message there is a free slot for is sent within the same tick (a burst), never one per
 * tick: the broker client flushes its outbound buffer in a microtask, so a burst becomes one socket
 * write. Awaiting between sends (even an already-free slot) made every publish a write of its own,
 * which halved the throughput at high rates.
 */
import { createEnvelope } from "../../runtime/envelope.js";
import type { Logger } from "../../runtime/logger.js";
import type { ProducerMetrics } from "../../runtime/metrics/producer-metrics.js";
import { sleep } from "../../util/sleep.js";
import { InFlightLimit } from "../../util/in-flight-limit.js";
import type { Publisher, PublishOutcome } from "./publisher.js";
import type { Scheduler } from "./scheduler.js";

export interface ProducerProps {
  readonly scheduler: Scheduler;
  readonly publisher: Publisher;
  readonly metrics: ProducerMetrics;
  readonly logger: Logger;
  /** Envelope `producer` field. */
  readonly instanceId: string;
  readonly payloadBytes: number;
  readonly maxInFlight: number;
  /** 0: unlimited. */
  readonly messageLimit: number;
  /**
   * Monotonic milliseconds.
   * @default performance.now
   */
  readonly clock?: () => number;
  /**
   * How often (ms) the target-rate gauge is refreshed while waiting.
   * @default 1000
   */
  readonly gaugeIntervalMs?: number;
}

export interface ProducerSummary {
  readonly created: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly failed: number;
  /** Due messages skipped after a stall longer than the catch-up window. */
  readonly skipped: number;
}

export class Producer {
  private created = 0;
  private stored = 0;
  private duplicates = 0;
  private failed = 0;
  private readonly inFlight: InFlightLimit;
  private readonly payload: { readonly data: string };

  constructor(private readonly props: ProducerProps) {
    this.inFlight = new InFlightLimit(props.maxInFlight);
    this.payload = { data: "x".repeat(props.payloadBytes) };
  }

  summary(): ProducerSummary {
    return {
      created: this.created,
      stored: this.stored,
      duplicates: this.duplicates,
      failed: this.failed,
      skipped: this.props.scheduler.skipped,
    };
  }

  async run(signal: AbortSignal): Promise<ProducerSummary> {
    const { scheduler, metrics } = this.props;
    const clock = this.props.clock ?? (() => performance.now());
    const gaugeInterval = this.props.gaugeIntervalMs ?? 1000;
    const start = clock();
    this.props.logger.info({ profile: scheduler.description }, "producing");
    while (!signal.aborted && !this.limitReached()) {
      const now = (clock() - start) / 1000;
      metrics.targetRate.set(scheduler.rateAt(now));
      // Burst: every message due by `now` that has a free slot, synchronously.
      let wakeAt: number | undefined;
      while (this.inFlight.available && !this.limitReached()) {
        const step = scheduler.poll(now);
        if (!step.send) {
          wakeAt = step.wakeAt;
          break;
        }
        this.send();
      }
      if (wakeAt !== undefined) {
        // Nothing due: sleep until the next due time (absolute), waking at least every gaugeInterval.
        await sleep(Math.min((wakeAt - now) * 1000, gaugeInterval), signal);
      } else if (!this.limitReached()) {
        // Due messages left but every slot is held: wait for an ack.
        if (!(await this.inFlight.whenAvailable(signal))) break;
      }
    }
    await this.inFlight.idle();
    metrics.targetRate.set(0);
    return this.summary();
  }

  private limitReached(): boolean {
    return this.props.messageLimit > 0 && this.created >= this.props.messageLimit;
  }

  /** Publish the next message; the caller checked that a slot is free. */
  private send(): void {
    this.inFlight.tryAcquire();
    this.created++;
    const envelope = createEnvelope({
      seq: this.created,
      producer: this.props.instanceId,
      payload: this.payload,
    });
    this.props.metrics.inFlight.inc();
    // One handler for both settlements (publish() resolves with "failed" rather than rejecting).
    const settled = (outcome: PublishOutcome | undefined): void => {
      if (outcome === "stored") this.stored++;
      else if (outcome === "duplicate") this.duplicates++;
      else this.failed++;
      this.props.metrics.inFlight.dec();
      this.inFlight.release();
    };
    this.props.publisher.publish(envelope).then(settled, () => settled(undefined));
  }
}
