/**
 * How the assets of a portfolio move together and how its risk is spread: correlation and its stability,
 * concentration of the weights, each asset's share of the variance, beta to a benchmark. Pure numerics; the
 * covariance is P1's estimateCovariance (src/portfolio/covariance.ts).
 */
import { correlationFromCovariance, estimateCovariance } from '../portfolio/covariance.js';

export interface PairStability {
  a: string;
  b: string;
  /** Correlation over the whole sample. */
  full: number;
  /** Over the first and the second half of the sample. */
  firstHalf: number;
  secondHalf: number;
  /** Rolling correlation over `window` periods: its mean, min and max. */
  rollingMean: number;
  rollingMin: number;
  rollingMax: number;
}

export interface CorrelationReport {
  assets: string[];
  /** n x n, row-major: the sample correlation over the whole sample. */
  matrix: number[][];
  /** Rolling window (periods) of the pair statistics. */
  window: number;
  pairs: PairStability[];
  /** Frobenius norm of (second-half - first-half correlation matrix), over the off-diagonal entries. */
  halvesDistance: number;
  /** The largest |second-half - first-half| correlation change of any pair. */
  largestChange: number;
}

function correlationOf(assets: string[], columns: Float64Array[]): Float64Array {
  return correlationFromCovariance(estimateCovariance({ assets, columns }, 'sample').cov, columns.length);
}

/** Rolling Pearson correlation of x and y over `window` values, by running sums: mean, min, max over all windows. */
function rollingCorrelation(x: Float64Array, y: Float64Array, window: number): { mean: number; min: number; max: number } {
  let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  let total = 0, min = Infinity, max = -Infinity, count = 0;
  for (let t = 0; t < x.length; t++) {
    sx += x[t]; sy += y[t]; sxx += x[t] * x[t]; syy += y[t] * y[t]; sxy += x[t] * y[t];
    if (t >= window) {
      const o = t - window;
      sx -= x[o]; sy -= y[o]; sxx -= x[o] * x[o]; syy -= y[o] * y[o]; sxy -= x[o] * y[o];
    }
    if (t >= window - 1) {
      const vx = sxx - (sx * sx) / window;
      const vy = syy - (sy * sy) / window;
      const c = vx > 0 && vy > 0 ? (sxy - (sx * sy) / window) / Math.sqrt(vx * vy) : 0;
      const r = Math.max(-1, Math.min(1, c));
      total += r; count++;
      if (r < min) min = r;
      if (r > max) max = r;
    }
  }
  return count === 0 ? { mean: NaN, min: NaN, max: NaN } : { mean: total / count, min, max };
}

/** Correlations of the assets' returns (one column each, equal lengths, at least 4 values) and their stability. */
export function correlationReport(assets: string[], columns: Float64Array[], window: number): CorrelationReport {
  const n = assets.length;
  const t = columns[0].length;
  const half = t >> 1;
  const full = correlationOf(assets, columns);
  const first = correlationOf(assets, columns.map((c) => c.subarray(0, half)));
  const second = correlationOf(assets, columns.map((c) => c.subarray(half)));
  const w = Math.min(window, t);
  const pairs: PairStability[] = [];
  let squares = 0;
  let largestChange = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const k = i * n + j;
      const change = second[k] - first[k];
      squares += 2 * change * change;
      largestChange = Math.max(largestChange, Math.abs(change));
      const rolling = rollingCorrelation(columns[i], columns[j], w);
      pairs.push({ a: assets[i], b: assets[j], full: full[k], firstHalf: first[k], secondHalf: second[k], rollingMean: rolling.mean, rollingMin: rolling.min, rollingMax: rolling.max });
    }
  const matrix = Array.from({ length: n }, (_, i) => Array.from(full.subarray(i * n, i * n + n)));
  return { assets, matrix, window: w, pairs, halvesDistance: Math.sqrt(squares), largestChange };
}

export interface Concentration {
  /** Herfindahl index of the weights' shares of gross exposure: sum (|w_i| / sum |w|)^2, from 1/n (even) to 1. */
  herfindahl: number;
  /** 1 / herfindahl: how many equal positions would be as concentrated. */
  effectiveN: number;
  /** The largest positions by |weight|, at most 3. */
  largest: { asset: string; weight: number }[];
}

export function concentration(assets: string[], weights: ArrayLike<number>): Concentration {
  let gross = 0;
  for (let i = 0; i < weights.length; i++) gross += Math.abs(weights[i]);
  let herfindahl = 0;
  for (let i = 0; i < weights.length; i++) herfindahl += (weights[i] / gross) ** 2;
  const largest = assets
    .map((asset, i) => ({ asset, weight: weights[i] }))
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .slice(0, 3);
  return { herfindahl, effectiveN: 1 / herfindahl, largest };
}

/** Each asset's share of the portfolio variance, w_i (Sigma w)_i / w' Sigma w: the shares sum to 1. */
export function riskContributions(weights: ArrayLike<number>, cov: Float64Array): Float64Array {
  const n = weights.length;
  const marginal = new Float64Array(n);
  let variance = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += cov[i * n + j] * weights[j];
    marginal[i] = s;
    variance += weights[i] * s;
  }
  return Float64Array.from(marginal, (m, i) => (variance > 0 ? (weights[i] * m) / variance : NaN));
}

export interface Beta {
  /** cov(portfolio, benchmark) / var(benchmark), sample (n - 1) moments. */
  beta: number;
  correlation: number;
  observations: number;
}

export function betaTo(portfolio: ArrayLike<number>, benchmark: ArrayLike<number>): Beta {
  const n = portfolio.length;
  let mp = 0, mb = 0;
  for (let i = 0; i < n; i++) { mp += portfolio[i]; mb += benchmark[i]; }
  mp /= n; mb /= n;
  let cpb = 0, vb = 0, vp = 0;
  for (let i = 0; i < n; i++) {
    const dp = portfolio[i] - mp;
    const db = benchmark[i] - mb;
    cpb += dp * db; vb += db * db; vp += dp * dp;
  }
  return { beta: vb > 0 ? cpb / vb : NaN, correlation: vb > 0 && vp > 0 ? cpb / Math.sqrt(vb * vp) : NaN, observations: n };
}
