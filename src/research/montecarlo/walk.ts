/** How a drawn sequence of returns becomes an equity path. */
export interface WalkSpec {
  initialEquity: number;
  /** Equity at or below this is ruin (ruinLevel x initialEquity). */
  ruinEquity: number;
  /** true: equity *= 1 + r (each return is a fraction of current equity); false: equity += r x initial. */
  compound: boolean;
  /** The steps whose equity is kept for the bands (ascending, 0..n). */
  bandSteps: Int32Array;
  /** Sharpe is mean / sample std of the drawn returns times this (sqrt of periods per year, or 1). */
  annualizer: number;
}

/** Per-path results, one slot per path of the slice (columns, so they move between workers as-is). */
export interface PathColumns {
  finalReturn: Float64Array;
  maxDrawdown: Float64Array;
  sharpe: Float64Array;
  ruined: Uint8Array;
  /** Path-major: path i's equity at bandSteps[j] is bandSamples[i * bandSteps.length + j]. */
  bandSamples: Float64Array;
}

/** Below this spread relative to the mean, returns count as constant: Sharpe would be rounding noise. */
const FLAT = 1e-12;

/**
 * Walk the equity path of `drawn` and write path `i`'s final return, max drawdown (a positive fraction
 * of the running peak, which starts at initial equity), Sharpe, ruin flag and band samples into `cols`.
 * Allocates nothing.
 */
export function walkPath(drawn: Float64Array, spec: WalkSpec, cols: PathColumns, i: number): void {
  const n = drawn.length;
  const initial = spec.initialEquity;
  const ruinEquity = spec.ruinEquity;
  const compound = spec.compound;
  const bandSteps = spec.bandSteps;
  const points = bandSteps.length;
  const bandBase = i * points;
  let b = 0;
  let equity = initial;
  let peak = initial;
  let maxDd = 0;
  let ruined = 0;
  let sum = 0;
  while (b < points && bandSteps[b] === 0) cols.bandSamples[bandBase + b++] = equity;
  for (let k = 0; k < n; k++) {
    const r = drawn[k];
    sum += r;
    equity = compound ? equity * (1 + r) : equity + r * initial;
    if (equity > peak) peak = equity;
    else {
      const dd = (peak - equity) / peak;
      if (dd > maxDd) maxDd = dd;
    }
    if (equity <= ruinEquity) ruined = 1;
    while (b < points && bandSteps[b] === k + 1) cols.bandSamples[bandBase + b++] = equity;
  }
  // Second pass for the variance: stabler than sum of squares when returns are small and similar.
  const mean = sum / n;
  let ss = 0;
  for (let k = 0; k < n; k++) {
    const d = drawn[k] - mean;
    ss += d * d;
  }
  const std = n >= 2 ? Math.sqrt(ss / (n - 1)) : NaN;
  cols.finalReturn[i] = equity / initial - 1;
  cols.maxDrawdown[i] = maxDd;
  cols.sharpe[i] = std > FLAT * Math.abs(mean) ? (mean / std) * spec.annualizer : NaN;
  cols.ruined[i] = ruined;
}

/** Columns for `count` paths with `points` band samples each. */
export function allocateColumns(count: number, points: number): PathColumns {
  return {
    finalReturn: new Float64Array(count),
    maxDrawdown: new Float64Array(count),
    sharpe: new Float64Array(count),
    ruined: new Uint8Array(count),
    bandSamples: new Float64Array(count * points),
  };
}
