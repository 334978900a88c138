/**
 * The prom-client registry of one app: default labels `app` (and nothing else that changes per
 * pod: Prometheus adds pod and instance), plus the default process/nodejs metrics.
 */
import { collectDefaultMetrics, Registry } from "prom-client";

export function createRegistry(app: "producer" | "consumer"): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
}
