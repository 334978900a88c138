/**
 * The app consumer at the settings the manifests deploy it with (CONCURRENCY and WORK_TIME_MS of an
 * environment in cdk8s/config.ts, BATCH_SIZE at its default as there), against the ideal of one
 * replica: CONCURRENCY × 1000 / WORK_TIME_MS msg/s (every worker busy all the time). The stream is
 * pre-filled with `manifestWindowMs` of work at the ideal rate.
 */
import { ENVIRONMENTS, type EnvironmentName } from "../../../cdk8s/config.js";
import { resolveConsumerSettings } from "../../../cdk8s/lib/consumer.js";
import type { BenchBroker, BenchOptions } from "../options.js";
import { ackedCount, rateFromSamples, sampleUntil } from "../probes.js";
import { startParticipant } from "./participants.js";
import { withBroker } from "./with-broker.js";

/** CONCURRENCY and WORK_TIME_MS of the consumer as `environment`'s manifests state them. */
export function manifestConsumerSettings(environment: EnvironmentName): {
  concurrency: number;
  workTimeMs: number;
} {
  const settings = resolveConsumerSettings(ENVIRONMENTS[environment].consumer.settings);
  return { concurrency: settings.CONCURRENCY, workTimeMs: settings.WORK_TIME_MS };
}

/** The ideal rate (msg/s) of one replica of `environment`. */
export function idealRate(environment: EnvironmentName): number {
  const { concurrency, workTimeMs } = manifestConsumerSettings(environment);
  return (concurrency * 1000) / workTimeMs;
}

export async function runManifestSettings(
  kind: BenchBroker,
  environment: EnvironmentName,
  options: BenchOptions,
): Promise<number> {
  const { concurrency, workTimeMs } = manifestConsumerSettings(environment);
  const total = Math.ceil((idealRate(environment) * options.manifestWindowMs) / 1000);
  return withBroker(kind, async (broker, processes) => {
    await broker.prefill(total, options.payloadBytes);
    const { stream, durable } = broker.rawTarget;
    const consumer = await startParticipant(broker, "app", "consumer", {
      CONCURRENCY: String(concurrency),
      WORK_TIME_MS: String(workTimeMs),
    });
    processes.add(consumer.process);
    const samples = await sampleUntil(
      `app consumer at the ${environment} settings on ${kind}`,
      () => ackedCount(broker.jsm, stream, durable, total),
      total,
      { intervalMs: options.pollIntervalMs, deadlineMs: options.deadlineMs },
    );
    return rateFromSamples(samples, total);
  });
}
