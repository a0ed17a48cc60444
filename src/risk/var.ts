/**
 * Value at Risk and expected shortfall (CVaR) of one series of returns, as positive loss fractions: a VaR of
 * 0.03 means a loss of 3% is not exceeded with the stated confidence. Pure numerics, no I/O. The formulas,
 * conventions and references are in docs/risk.md.
 */
import { centralPowerSums } from '../stats/moments.js';
import { normalCdf, normalPdf, normalQuantile } from '../stats/normal.js';
import { selectInPlace } from '../stats/select.js';

export interface VarEstimate {
  /** Value at Risk: the loss (fraction, positive = loss) not exceeded with the confidence. */
  var: number;
  /** Expected shortfall: the mean loss in the tail beyond the VaR. */
  cvar: number;
}

export interface ReturnMoments {
  count: number;
  mean: number;
  /** Sample standard deviation (divisor n - 1). */
  sd: number;
  /** Moment skewness g1 = m3 / m2^1.5 (central moments with divisor n). */
  skewness: number;
  /** Excess kurtosis g2 = m4 / m2^2 - 3 (divisor n; 0 for a normal distribution). */
  excessKurtosis: number;
}

function checkConfidence(confidence: number): number {
  if (!(confidence > 0.5 && confidence < 1)) throw new RangeError(`A VaR confidence must be above 0.5 and below 1 (e.g. 0.95), not ${confidence}.`);
  return 1 - confidence;
}

/**
 * The number of worst returns that make the historical tail: k = ceil(alpha n) with alpha = 1 - confidence, at
 * least 1. The 1e-9 keeps 0.05 x 100 (which is 5.000000000000001 in binary) at 5.
 */
export function tailCount(n: number, confidence: number): number {
  const alpha = checkConfidence(confidence);
  return Math.max(1, Math.ceil(alpha * n - 1e-9));
}

/**
 * Historical simulation: with the returns sorted ascending r(1) <= ... <= r(n) and k = tailCount(n, c),
 * VaR = -r(k) (the k-th worst return, no interpolation) and CVaR = -(r(1) + ... + r(k)) / k, the mean of the
 * k worst returns, so CVaR >= VaR always. 100 returns at 95%: VaR is minus the 5th worst, CVaR minus the mean
 * of the 5 worst.
 */
export function historicalVar(returns: ArrayLike<number>, confidence: number): VarEstimate {
  const n = returns.length;
  if (n === 0) throw new RangeError('Historical VaR needs at least one return.');
  const k = tailCount(n, confidence);
  const work = Float64Array.from(returns);
  selectInPlace(work, k - 1);
  // After selection everything before index k - 1 is <= work[k - 1]: those are the k - 1 worst.
  let sum = 0;
  for (let i = 0; i < k; i++) sum += work[i];
  return { var: -work[k - 1], cvar: -sum / k };
}

/** Mean, sample standard deviation, moment skewness and excess kurtosis (definitions on ReturnMoments). */
export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  const n = returns.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += returns[i];
  const mean = n > 0 ? sum / n : NaN;
  const sums = new Float64Array(3);
  centralPowerSums(returns, n, mean, sums);
  const m2 = sums[0] / n;
  const m3 = sums[1] / n;
  const m4 = sums[2] / n;
  return {
    count: n,
    mean,
    sd: n > 1 ? Math.sqrt(sums[0] / (n - 1)) : NaN,
    skewness: m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0,
    excessKurtosis: m2 > 0 ? m4 / (m2 * m2) - 3 : 0,
  };
}

/**
 * Parametric normal VaR over `horizon` periods by the square-root-of-time rule (mean x h, sd x sqrt(h)):
 * VaR = -mu h + sigma sqrt(h) z, CVaR = -mu h + sigma sqrt(h) phi(z) / alpha, with z = Phi^-1(confidence).
 */
export function normalVar(mean: number, sd: number, confidence: number, horizon = 1): VarEstimate {
  const alpha = checkConfidence(confidence);
  const z = normalQuantile(confidence);
  const m = mean * horizon;
  const s = sd * Math.sqrt(horizon);
  return { var: -m + s * z, cvar: -m + (s * normalPdf(z)) / alpha };
}

/**
 * The Cornish-Fisher quantile of a standardized variable with skewness S and EXCESS kurtosis K (normal = 0):
 * z + (z^2 - 1) S / 6 + (z^3 - 3z) K / 24 - (2z^3 - 5z) S^2 / 36.
 */
export function cornishFisherQuantile(z: number, skewness: number, excessKurtosis: number): number {
  const z2 = z * z;
  const z3 = z2 * z;
  return z + ((z2 - 1) * skewness) / 6 + ((z3 - 3 * z) * excessKurtosis) / 24 - ((2 * z3 - 5 * z) * skewness * skewness) / 36;
}

/**
 * int_{-inf}^{x} u^q phi(u) du for q = 0..3: J0 = Phi(x), J1 = -phi(x), Jq = -x^(q-1) phi(x) + (q - 1) J(q-2).
 */
function partialMoments(x: number): [number, number, number, number] {
  const p = normalPdf(x);
  const j0 = normalCdf(x);
  const j1 = -p;
  const j2 = -x * p + j0;
  const j3 = -x * x * p + 2 * j1;
  return [j0, j1, j2, j3];
}

/**
 * Cornish-Fisher ("modified") VaR and CVaR, sqrt-time scaled like normalVar. VaR = -mu h - sigma sqrt(h) q with
 * q the Cornish-Fisher quantile at alpha = 1 - confidence. CVaR is the expected shortfall of the distribution
 * whose quantile function is that expansion, -mu h - sigma sqrt(h) (1/alpha) int_{-inf}^{z_alpha} CF(u) phi(u) du,
 * in closed form from the normal partial moments (this is not Boudt, Peterson & Croux's Edgeworth-density
 * "modified ES" of PerformanceAnalytics, which can fall below the VaR: see docs/risk.md). It is raised to the
 * VaR when the expansion stops being monotonic in the tail (extreme skewness or kurtosis), and `monotonic`
 * says whether it is monotonic from z = -4 to z_alpha.
 */
export function cornishFisherVar(mean: number, sd: number, skewness: number, excessKurtosis: number, confidence: number, horizon = 1): VarEstimate & { monotonic: boolean } {
  const alpha = checkConfidence(confidence);
  const z = normalQuantile(alpha);
  const q = cornishFisherQuantile(z, skewness, excessKurtosis);
  const [j0, j1, j2, j3] = partialMoments(z);
  const tail = j1 + ((j2 - j0) * skewness) / 6 + ((j3 - 3 * j1) * excessKurtosis) / 24 - ((2 * j3 - 5 * j1) * skewness * skewness) / 36;
  const m = mean * horizon;
  const s = sd * Math.sqrt(horizon);
  const v = -m - s * q;
  // d/dz of the expansion: negative between z = -4 (probability 3e-5) and z_alpha means the tail quantiles
  // that carry the VaR and nearly all of the CVaR are out of order. Further out, a negative excess kurtosis
  // always bends the expansion back (|z| > 5.3 at K = -0.3), with no weight worth the name.
  const slope = (u: number) => 1 + (u * skewness) / 3 + ((3 * u * u - 3) * excessKurtosis) / 24 - ((6 * u * u - 5) * skewness * skewness) / 36;
  let monotonic = true;
  for (let u = z; u >= -4; u -= 0.01) if (slope(u) < 0) { monotonic = false; break; }
  return { var: v, cvar: Math.max(v, -m - (s * tail) / alpha), monotonic };
}

/**
 * Overlapping h-period compounded returns: (1 + r_t) ... (1 + r_{t+h-1}) - 1 for t = 0 .. n - h, the sample
 * historical VaR over h periods is taken from. h = 1 gives a copy.
 */
export function overlappingReturns(returns: ArrayLike<number>, horizon: number): Float64Array {
  const n = returns.length;
  if (!(Number.isInteger(horizon) && horizon >= 1 && horizon <= n)) throw new RangeError(`The horizon must be a whole number of periods from 1 to ${n}, not ${horizon}.`);
  // A direct product per window (O(n h)): running sums of log(1 + r) would be O(n) but break on a -100% return.
  const out = new Float64Array(n - horizon + 1);
  for (let t = 0; t + horizon <= n; t++) {
    let growth = 1;
    for (let k = t; k < t + horizon; k++) growth *= 1 + returns[k];
    out[t] = growth - 1;
  }
  return out;
}
