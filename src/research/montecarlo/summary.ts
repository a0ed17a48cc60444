/** The percentiles reported for bands and distributions. */
export const BAND_PERCENTILES = [5, 25, 50, 75, 95] as const;

/**
 * The q-quantile (0 <= q <= 1) of ascending `sorted` values by linear interpolation between order
 * statistics: Hyndman & Fan (1996) type 7, the default of R's quantile() and numpy.percentile.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const frac = h - lo;
  return frac === 0 ? sorted[lo] : sorted[lo] + frac * (sorted[hi] - sorted[lo]);
}

/** A distribution over Monte Carlo paths. */
export interface Distribution {
  /** Paths with a defined value (a Sharpe ratio is undefined when a path's returns do not vary). */
  count: number;
  mean: number;
  min: number;
  max: number;
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

/** Sort the finite values of `values` into `scratch` (which must be at least as long); return how many. */
function sortFinite(values: Float64Array, scratch: Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) scratch[n++] = values[i];
  scratch.subarray(0, n).sort();
  return n;
}

/** Quantiles, mean and range of the finite values of `values` (NaN fields when there are none). */
export function distribution(values: Float64Array): Distribution {
  const scratch = new Float64Array(values.length);
  const n = sortFinite(values, scratch);
  const sorted = scratch.subarray(0, n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return {
    count: n,
    mean: n > 0 ? sum / n : NaN,
    min: n > 0 ? sorted[0] : NaN,
    max: n > 0 ? sorted[n - 1] : NaN,
    p5: quantileSorted(sorted, 0.05),
    p25: quantileSorted(sorted, 0.25),
    p50: quantileSorted(sorted, 0.5),
    p75: quantileSorted(sorted, 0.75),
    p95: quantileSorted(sorted, 0.95),
  };
}

/**
 * Where `x` ranks among the finite `values`, in percent: (below + equal / 2) / count x 100 (the "mid"
 * percentile rank, so a value equal to every path ranks 50). NaN when x is not finite or nothing is.
 */
export function percentileRank(values: Float64Array, x: number): number {
  if (!Number.isFinite(x)) return NaN;
  let below = 0;
  let equal = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    n++;
    if (v < x) below++;
    else if (v === x) equal++;
  }
  return n > 0 ? ((below + equal / 2) / n) * 100 : NaN;
}

/** Percentile bands of equity across paths, at each sampled step. */
export interface EquityBands {
  /** The steps sampled (0 = initial equity, k = after k trades or bars). */
  steps: Int32Array;
  p5: Float64Array;
  p25: Float64Array;
  p50: Float64Array;
  p75: Float64Array;
  p95: Float64Array;
}

/**
 * Bands from `samples`, path-major: path i's equity at steps[j] is samples[i * steps.length + j].
 * One scratch column is reused for every step.
 */
export function equityBands(samples: Float64Array, runs: number, steps: Int32Array): EquityBands {
  const points = steps.length;
  const column = new Float64Array(runs);
  const bands: EquityBands = {
    steps,
    p5: new Float64Array(points),
    p25: new Float64Array(points),
    p50: new Float64Array(points),
    p75: new Float64Array(points),
    p95: new Float64Array(points),
  };
  for (let j = 0; j < points; j++) {
    for (let i = 0; i < runs; i++) column[i] = samples[i * points + j];
    column.sort();
    bands.p5[j] = quantileSorted(column, 0.05);
    bands.p25[j] = quantileSorted(column, 0.25);
    bands.p50[j] = quantileSorted(column, 0.5);
    bands.p75[j] = quantileSorted(column, 0.75);
    bands.p95[j] = quantileSorted(column, 0.95);
  }
  return bands;
}

/**
 * At most `maxPoints` steps of 0..steps, evenly spaced, always including 0 and the last step, so band
 * memory is runs x maxPoints whatever the path length.
 */
export function bandSteps(steps: number, maxPoints: number): Int32Array {
  const points = Math.min(steps + 1, Math.max(2, maxPoints));
  const out = new Int32Array(points);
  for (let j = 0; j < points; j++) out[j] = Math.round((j * steps) / (points - 1));
  return out;
}
