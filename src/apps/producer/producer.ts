/**
 * The producer loop: asks the scheduler what is due on a monotonic clock, creates an envelope per
 * due message, and publishes it without waiting for the ack (at most `maxInFlight` at once). It
 * never sleeps after a send: it sleeps until the next due time. Stops on abort or after
 * `messageLimit` messages, then waits for every in-flight publish to settle.
 */
import { createEnvelope } from "../../shared/envelope.js";
import type { Logger } from "../../shared/logger.js";
import type { ProducerMetrics } from "../../shared/metrics/producer-metrics.js";
import { Semaphore } from "../../shared/semaphore.js";
import { sleep } from "../../shared/sleep.js";
import type { Publisher } from "./publisher.js";
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
  private readonly inFlight: Semaphore;
  private readonly payload: { readonly data: string };

  constructor(private readonly props: ProducerProps) {
    this.inFlight = new Semaphore(props.maxInFlight);
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
    while (!signal.aborted) {
      if (this.props.messageLimit > 0 && this.created >= this.props.messageLimit) break;
      const now = (clock() - start) / 1000;
      metrics.targetRate.set(scheduler.rateAt(now));
      const step = scheduler.poll(now);
      if (!step.send) {
        // Sleep until the next due time (absolute), waking at least every gaugeInterval for the gauge.
        await sleep(Math.min((step.wakeAt - now) * 1000, gaugeInterval), signal);
        continue;
      }
      try {
        await this.inFlight.acquire(signal);
      } catch {
        break;
      }
      this.send();
    }
    await this.inFlight.idle();
    metrics.targetRate.set(0);
    return this.summary();
  }

  private send(): void {
    this.created++;
    const envelope = createEnvelope({
      seq: this.created,
      producer: this.props.instanceId,
      payload: this.payload,
    });
    this.props.metrics.inFlight.inc();
    void this.props.publisher
      .publish(envelope)
      .then((outcome) => {
        if (outcome === "stored") this.stored++;
        else if (outcome === "duplicate") this.duplicates++;
        else this.failed++;
      })
      .finally(() => {
        this.props.metrics.inFlight.dec();
        this.inFlight.release();
      });
  }
}
