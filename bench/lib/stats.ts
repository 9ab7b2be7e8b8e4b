/** Small, dependency-free statistics for benchmarks. All values are plain numbers (usually ms). */

export interface Summary {
  n: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Ascending copy; the input is left alone. */
export const sorted = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/**
 * The p-th percentile (0–100) of already-sorted values, linearly interpolated between the closest ranks
 * (the "R-7" / NumPy default definition). NaN for an empty list.
 */
export function percentileSorted(ascending: readonly number[], p: number): number {
  if (ascending.length === 0) return Number.NaN;
  if (p <= 0) return ascending[0]!;
  if (p >= 100) return ascending[ascending.length - 1]!;
  const rank = (p / 100) * (ascending.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const lower = ascending[lo]!;
  return lower + (ascending[hi]! - lower) * (rank - lo);
}

/** The p-th percentile (0–100) of unsorted values. */
export const percentile = (values: readonly number[], p: number): number =>
  percentileSorted(sorted(values), p);

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export function summarize(values: readonly number[]): Summary {
  const s = sorted(values);
  return {
    n: s.length,
    min: s[0] ?? Number.NaN,
    mean: mean(s),
    p50: percentileSorted(s, 50),
    p90: percentileSorted(s, 90),
    p99: percentileSorted(s, 99),
    max: s[s.length - 1] ?? Number.NaN,
  };
}

/** Element-wise a[i] − b[i] for paired samples (same request measured two ways). */
export function pairedDifferences(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length)
    throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  return a.map((v, i) => v - b[i]!);
}

/** Fixed-precision formatting for tables: `1.23`, `-0.40`, `n/a` for NaN. */
export function fmt(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}
