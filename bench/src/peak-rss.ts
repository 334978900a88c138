/**
 * The bench step that feeds the manifests' memory limits: from a record, the highest peak RSS of
 * each app on each broker, written to cdk8s/data/peak-rss.json (cdk8s/lib/memory-limits.ts reads
 * it). Only a record that measured every app on every broker replaces the figures.
 */
import type { PeakRssFigures } from "../../cdk8s/lib/memory-limits.js";
import type { AppName } from "../../cdk8s/lib/labels.js";
import type { BrokerKind } from "../../src/broker/port.js";
import type { BenchResults } from "./results.js";

const BROKERS = ["nats", "memphis"] as const satisfies readonly BrokerKind[];
const METRIC: Readonly<Record<AppName, "peakRssConsumer" | "peakRssProducer">> = {
  consumer: "peakRssConsumer",
  producer: "peakRssProducer",
};

/** The figures of `results` (recorded as `record`), or the metrics it lacks. */
export function peakRssFigures(
  results: Pick<BenchResults, "brokers">,
  record: string,
): { readonly figures: PeakRssFigures } | { readonly missing: readonly string[] } {
  const missing: string[] = [];
  const peak = (broker: BrokerKind, app: AppName): number => {
    const metric = results.brokers[broker]?.[METRIC[app]];
    if (metric === undefined || metric.unit !== "MiB") {
      missing.push(`${METRIC[app]} (MiB) on ${broker}`);
      return Number.NaN;
    }
    return metric.app.max;
  };
  const peakRssMebibytes = Object.fromEntries(
    BROKERS.map((broker) => [
      broker,
      { consumer: peak(broker, "consumer"), producer: peak(broker, "producer") },
    ]),
  ) as PeakRssFigures["peakRssMebibytes"];
  return missing.length > 0 ? { missing } : { figures: { record, peakRssMebibytes } };
}
