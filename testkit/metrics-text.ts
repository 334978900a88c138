/**
 * A parsed Prometheus text exposition (what the apps serve on /metrics): sums of samples by name
 * and labels, and a histogram quantile from `_bucket` samples. Used by the local run and the tests.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export class MetricSet {
  private constructor(readonly samples: readonly Sample[]) {}

  static parse(text: string): MetricSet {
    const samples: Sample[] = [];
    for (const line of text.split("\n")) {
      if (line === "" || line.startsWith("#")) continue;
      const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
      if (!match) continue;
      const labels: Record<string, string> = {};
      for (const pair of (match[2] ?? "").matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
        labels[pair[1]!] = pair[2]!;
      samples.push({ name: match[1]!, labels, value: Number(match[3]) });
    }
    return new MetricSet(samples);
  }

  /** Several sets as one (e.g. every consumer's). */
  static merge(sets: readonly MetricSet[]): MetricSet {
    return new MetricSet(sets.flatMap((s) => s.samples));
  }

  has(name: string): boolean {
    return this.samples.some((s) => s.name === name);
  }

  /** Sum of the samples named `name` whose labels include `labels`. */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
  }

  /** Cumulative bucket counts of histogram `name` by upper bound, summed over label sets. */
  buckets(name: string): Map<number, number> {
    const buckets = new Map<number, number>();
    for (const s of this.samples) {
      if (s.name !== `${name}_bucket` || s.labels.le === undefined) continue;
      const le = s.labels.le === "+Inf" ? Infinity : Number(s.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    }
    return buckets;
  }
}

/**
 * Quantile `q` of the observations between two bucket snapshots (as Prometheus' histogram_quantile,
 * linear within a bucket); undefined when nothing was observed.
 */
export function bucketQuantile(
  q: number,
  now: Map<number, number>,
  before = new Map<number, number>(),
): number | undefined {
  const bounds = [...now.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (now.get(le) ?? 0) - (before.get(le) ?? 0));
  const total = counts.at(-1) ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    if (counts[i]! >= rank) {
      const upper = bounds[i]!;
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      if (upper === Infinity) return lower;
      const below = i === 0 ? 0 : counts[i - 1]!;
      const inBucket = counts[i]! - below;
      return inBucket > 0 ? lower + ((upper - lower) * (rank - below)) / inBucket : upper;
    }
  }
  return bounds.at(-2);
}
