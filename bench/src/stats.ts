/**
 * Summary statistics of repeated measurements: median and spread (min–max and interquartile range)
 * plus the coefficient of variation used to flag a noisy machine.
 */

/** Median, spread and variation of a set of runs. */
export interface Summary {
  /** Number of runs. */
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** First and third quartile (linear interpolation). */
  readonly q1: number;
  readonly q3: number;
  /** Standard deviation / mean (0 for a single run). */
  readonly cv: number;
  /** Every run, in the order measured. */
  readonly values: readonly number[];
}

/** Quantile `q` (0..1) of sorted values, linear interpolation between closest ranks. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error("quantile of no values");
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile q must be in [0, 1], got ${q}`);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const lowValue = sorted[low] as number;
  const highValue = sorted[high] as number;
  return lowValue + (highValue - lowValue) * (position - low);
}

/** Summarise measured values; throws when there are none or one is not a finite number. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error("no values to summarise");
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) throw new Error(`cannot summarise a non-finite value: ${bad}`);
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance =
    values.length > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return {
    n: values.length,
    median: quantile(sorted, 0.5),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
    cv: mean === 0 ? 0 : Math.sqrt(variance) / Math.abs(mean),
    values: [...values],
  };
}

/** Ratio of two medians; NaN-free: 0 when the denominator is 0. */
export function ratio(numerator: Summary, denominator: Summary): number {
  return denominator.median === 0 ? 0 : numerator.median / denominator.median;
}
