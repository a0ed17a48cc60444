/**
 * Risk-model estimates from a window of returns: the mean (always the sample mean) and a covariance by
 * - sample: the unbiased sample covariance (divisor T - 1);
 * - ledoit-wolf: Ledoit & Wolf (2004, "A well-conditioned estimator for large-dimensional covariance
 *   matrices") shrinkage of the maximum-likelihood covariance (divisor T) towards the scaled identity
 *   mu I, mu = trace(S) / n, with their optimal intensity: the same estimator as scikit-learn's LedoitWolf;
 * - ewma: RiskMetrics (1996) exponentially weighted covariance about zero, weights (1 - lambda) lambda^age
 *   normalised to sum to 1 over the window, lambda 0.94 by default.
 */
import { UserError } from '../errors.js';
import type { CovarianceMethod, ReturnsWindow } from './types.js';

export interface CovarianceEstimate {
  mean: Float64Array;
  cov: Float64Array;
  /** Ledoit-Wolf: the shrinkage intensity in [0, 1]. */
  shrinkage?: number;
}

function checkWindow(window: ReturnsWindow): { n: number; t: number } {
  const n = window.columns.length;
  if (n !== window.assets.length) throw new UserError(`The returns window has ${n} columns for ${window.assets.length} assets; give one column per asset.`);
  if (n === 0) throw new UserError('The returns window has no assets; give at least one.');
  const t = window.columns[0].length;
  window.columns.forEach((c, i) => {
    if (c.length !== t) throw new UserError(`The returns of ${window.assets[i]} have ${c.length} values where ${window.assets[0]} has ${t}; give columns of one length.`);
    for (const v of c) if (!Number.isFinite(v)) throw new UserError(`The returns of ${window.assets[i]} contain a non-finite value; give finite returns only.`);
  });
  if (t < 2) throw new UserError(`A covariance needs at least 2 returns per asset and the window has ${t}; use a longer lookback.`);
  return { n, t };
}

function sampleMean(columns: Float64Array[], t: number): Float64Array {
  return Float64Array.from(columns, (c) => {
    let s = 0;
    for (let k = 0; k < t; k++) s += c[k];
    return s / t;
  });
}

/** sum_k w_k (x_ik - m_i)(x_jk - m_j) for all i, j (w = 1 when absent). */
function crossProducts(columns: Float64Array[], center: Float64Array, t: number, weights?: Float64Array): Float64Array {
  const n = columns.length;
  const centred = columns.map((c, i) => Float64Array.from(c, (v) => v - center[i]));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = centred[i];
    for (let j = 0; j <= i; j++) {
      const b = centred[j];
      let s = 0;
      if (weights) for (let k = 0; k < t; k++) s += weights[k] * a[k] * b[k];
      else for (let k = 0; k < t; k++) s += a[k] * b[k];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

export function estimateCovariance(window: ReturnsWindow, method: CovarianceMethod, options: { ewmaLambda?: number } = {}): CovarianceEstimate {
  const { n, t } = checkWindow(window);
  const mean = sampleMean(window.columns, t);
  if (method === 'sample') {
    const cov = crossProducts(window.columns, mean, t);
    for (let k = 0; k < cov.length; k++) cov[k] /= t - 1;
    return { mean, cov };
  }
  if (method === 'ewma') {
    const lambda = options.ewmaLambda ?? 0.94;
    if (!(lambda > 0 && lambda < 1)) throw new UserError(`The EWMA decay must be between 0 and 1 (exclusive), not ${lambda}; RiskMetrics uses 0.94 for daily returns.`);
    const weights = new Float64Array(t);
    let total = 0;
    for (let k = 0; k < t; k++) total += weights[k] = Math.pow(lambda, t - 1 - k);
    for (let k = 0; k < t; k++) weights[k] /= total;
    return { mean, cov: crossProducts(window.columns, new Float64Array(n), t, weights) };
  }
  if (method === 'ledoit-wolf') return { mean, ...ledoitWolf(window.columns, mean, n, t) };
  throw new UserError(`Unknown covariance method "${String(method)}"; use sample, ledoit-wolf or ewma.`);
}

/**
 * scikit-learn's ledoit_wolf_shrinkage, term for term: with X the centred T x n data and S = X'X / T,
 * delta = ||S - mu I||_F^2 / n, beta = min(delta, (sum_k (sum_i x_ki^2)^2 / T - ||S||_F^2) / (n T)).
 */
function ledoitWolf(columns: Float64Array[], mean: Float64Array, n: number, t: number): { cov: Float64Array; shrinkage: number } {
  const s = crossProducts(columns, mean, t);
  for (let k = 0; k < s.length; k++) s[k] /= t;
  let trace = 0;
  for (let i = 0; i < n; i++) trace += s[i * n + i];
  const mu = trace / n;
  let frob = 0;
  for (const v of s) frob += v * v;
  let rowSquares = 0;
  for (let k = 0; k < t; k++) {
    let r = 0;
    for (let i = 0; i < n; i++) {
      const x = columns[i][k] - mean[i];
      r += x * x;
    }
    rowSquares += r * r;
  }
  const delta = (frob - 2 * mu * trace + n * mu * mu) / n;
  const beta = Math.min(delta, (rowSquares / t - frob) / (n * t));
  const shrinkage = beta === 0 || delta === 0 ? 0 : beta / delta;
  const cov = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) cov[i * n + j] = (1 - shrinkage) * s[i * n + j] + (i === j ? shrinkage * mu : 0);
  return { cov, shrinkage };
}

/** The correlation matrix of a covariance: cov_ij / (sigma_i sigma_j); a zero-variance asset gets 0 off the diagonal. */
export function correlationFromCovariance(cov: Float64Array, n = Math.round(Math.sqrt(cov.length))): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const d = Math.sqrt(cov[i * n + i] * cov[j * n + j]);
      out[i * n + j] = i === j ? 1 : d > 0 ? cov[i * n + j] / d : 0;
    }
  return out;
}
