import { Counter, type Registry } from "prom-client";

/**
 * A counter with one label whose every value in `values` is exported at 0 from the start: a series
 * that appears only on its first increment makes `rate()` and `increase()` miss that increment.
 */
export function labelledCounter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labels: Readonly<Record<L, readonly string[]>>,
): Counter<L> {
  const labelNames = Object.keys(labels) as L[];
  const counter = new Counter({ name, help, labelNames, registers: [registry] });
  for (const label of labelNames)
    for (const value of labels[label]) counter.inc({ [label]: value } as Partial<Record<L, string>>, 0);
  return counter;
}
