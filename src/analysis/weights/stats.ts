/**
 * Statistics of a weight tensor as a reader of the model wants them (what Netron's tensor view shows):
 * min, max, mean, standard deviation, exact zeros, NaN and ±Inf counts, and a histogram of the finite
 * values. Computed once here, in plain Node; the model worker answers the graph view with it and the
 * CLI could print it.
 */

export interface WeightStats {
  /** Elements (complex tensors: numbers, real and imaginary parts interleaved). */
  count: number;
  /** Over the finite values; NaN when there are none. */
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation (numpy's std, ddof 0) over the finite values. */
  std: number;
  /** Values that are exactly zero (sparsity = zeros / count). */
  zeros: number;
  nan: number;
  /** +Infinity and -Infinity together. */
  inf: number;
}

export interface WeightHistogram {
  /** The range the bins cover: the finite min and max. */
  min: number;
  max: number;
  /** `bins` equal-width bins; the max falls in the last. A constant tensor puts every value in bin 0. */
  counts: number[];
}

export const HISTOGRAM_BINS = 32;

/** Two passes (mean first, then the squared deviations) so that std stays exact for weights far from 0. */
export function weightStats(values: ArrayLike<number>): WeightStats {
  let min = Infinity, max = -Infinity, sum = 0, zeros = 0, nan = 0, inf = 0, finite = 0;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v) { nan++; continue; }
    if (v === Infinity || v === -Infinity) { inf++; continue; }
    if (v === 0) zeros++;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    finite++;
  }
  if (!finite) return { count: n, min: NaN, max: NaN, mean: NaN, std: NaN, zeros, nan, inf };
  const mean = sum / finite;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v || v === Infinity || v === -Infinity) continue;
    sq += (v - mean) * (v - mean);
  }
  return { count: n, min, max, mean, std: Math.sqrt(sq / finite), zeros, nan, inf };
}

/** Histogram of the finite values over [stats.min, stats.max]. */
export function weightHistogram(values: ArrayLike<number>, stats: WeightStats, bins = HISTOGRAM_BINS): WeightHistogram {
  const { min, max } = stats;
  return { min, max, counts: binCounts(values, min, max, bins) };
}

/**
 * Counts of the values in [min, max] in `bins` equal-width bins (the max in the last; min = max puts
 * them all in bin 0); values outside, NaN included, are left out. Feature-map histograms
 * (src/runtime/stats.ts) bin with it too.
 */
export function binCounts(values: ArrayLike<number>, min: number, max: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  if (!(max >= min)) return counts;
  const scale = max > min ? bins / (max - min) : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= min && v <= max)) continue;
    counts[Math.min(bins - 1, Math.floor((v - min) * scale))]++;
  }
  return counts;
}
