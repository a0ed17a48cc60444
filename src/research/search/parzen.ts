/**
 * The Parzen estimators of TPE, one parameter at a time, written to Optuna's _ParzenEstimator
 * (optuna/samplers/_tpe/parzen_estimator.py and probability_distributions.py, read at commit 1d8ce7b,
 * 2026-08): one truncated-normal kernel per observation plus a prior kernel (mean at the middle of the
 * range, sigma = the whole range, weight `priorWeight`), bandwidths from the gaps to neighbouring
 * observations, clipped below by range / min(100, 1 + kernels) ("magic clip"); stepped ranges (ints, or
 * floats with a step) become discrete, with each value owning the mass of [x - step/2, x + step/2].
 * Categorical values: one smoothed distribution per observation (prior_weight / kernels on every value
 * plus 1 on the observed one) and a uniform prior row.
 */
import { logGaussMass, logNormalPdf, truncatedNormalQuantile } from './normal.js';

export interface ParzenParameters {
  /** Weight of the prior kernel before normalizing (Optuna: 1.0). */
  priorWeight: number;
  /** Clip bandwidths below at range / min(100, 1 + kernels) (Optuna: true). */
  considerMagicClip: boolean;
  /** Let the outermost kernels take their gap to the range ends as bandwidth (Optuna: false). */
  considerEndpoints: boolean;
}

/**
 * Optuna's default_weights: all 1 below 25 observations; above, the oldest n - 25 ramp linearly from 1/n to 1
 * (chronological order) and the newest 25 get 1.
 */
export function defaultWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  if (n >= 25) {
    const m = n - 25;
    // np.linspace(1/n, 1, num=m): m points including both ends (a single point is 1/n).
    for (let i = 0; i < m; i++) w[i] = m === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (m - 1);
  }
  return w;
}

/** Kernel weights: the observations' weights then the prior's, normalized (just the prior when empty). */
function mixtureWeights(n: number, p: ParzenParameters): Float64Array {
  if (n === 0) return Float64Array.of(1);
  const base = defaultWeights(n);
  const w = new Float64Array(n + 1);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += w[i] = base[i];
  sum += w[n] = p.priorWeight;
  for (let i = 0; i <= n; i++) w[i] /= sum;
  return w;
}

/** Picks index k with probability w[k] (w sums to 1) from the uniform u. */
function pickIndex(w: Float64Array, u: number): number {
  let acc = 0;
  for (let k = 0; k < w.length - 1; k++) {
    acc += w[k];
    if (u < acc) return k;
  }
  return w.length - 1;
}

/** log sum exp over `terms` (length n), without allocating. */
function logSumExp(terms: Float64Array): number {
  let max = -Infinity;
  for (let k = 0; k < terms.length; k++) if (terms[k] > max) max = terms[k];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let k = 0; k < terms.length; k++) sum += Math.exp(terms[k] - max);
  return max + Math.log(sum);
}

/** A mixture of truncated normals over [low, high], discrete when `step` > 0. */
export class NumericParzen {
  readonly mus: Float64Array;
  readonly sigmas: Float64Array;
  readonly weights: Float64Array;
  private readonly logWeights: Float64Array;
  /** log mass of each kernel inside the (step-widened) range: the truncation normalizer. */
  private readonly logNorm: Float64Array;
  private readonly scratch: Float64Array;
  private readonly lo: number;
  private readonly hi: number;

  /**
   * @param observations values in chronological order (they weight older trials less past 25)
   * @param low lowest value; @param high highest value (aligned to the step); @param step 0 when continuous
   */
  constructor(observations: ArrayLike<number>, readonly low: number, readonly high: number, readonly step: number, p: ParzenParameters) {
    const n = observations.length;
    // A stepped range is widened by half a step each side, so the end values own a full step of mass.
    const lo = step > 0 ? low - step / 2 : low;
    const hi = step > 0 ? high + step / 2 : high;
    this.lo = lo;
    this.hi = hi;
    this.mus = new Float64Array(n + 1);
    this.sigmas = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) this.mus[i] = observations[i];
    if (n > 0) {
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.mus[a] - this.mus[b] || a - b);
      const sorted = new Float64Array(n + 2);
      sorted[0] = lo;
      for (let i = 0; i < n; i++) sorted[i + 1] = this.mus[order[i]];
      sorted[n + 1] = hi;
      const s = new Float64Array(n);
      for (let i = 0; i < n; i++) s[i] = Math.max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]);
      if (!p.considerEndpoints && n >= 2) {
        s[0] = sorted[2] - sorted[1];
        s[n - 1] = sorted[n] - sorted[n - 1];
      }
      const maxSigma = hi - lo;
      const minSigma = p.considerMagicClip ? (hi - lo) / Math.min(100, 1 + (n + 1)) : 1e-12;
      for (let i = 0; i < n; i++) this.sigmas[order[i]] = Math.min(maxSigma, Math.max(minSigma, s[i]));
    }
    this.mus[n] = 0.5 * (lo + hi);
    this.sigmas[n] = hi - lo;
    this.weights = mixtureWeights(n, p);
    const m = this.weights.length;
    this.logWeights = this.weights.map(Math.log);
    this.logNorm = new Float64Array(m);
    for (let k = 0; k < m; k++) this.logNorm[k] = logGaussMass((lo - this.mus[k]) / this.sigmas[k], (hi - this.mus[k]) / this.sigmas[k]);
    this.scratch = new Float64Array(m);
  }

  /** One draw: a kernel by weight, then its truncated normal, snapped to the step grid when discrete. */
  sample(rand: () => number): number {
    const k = pickIndex(this.weights, rand());
    const mu = this.mus[k];
    const sigma = this.sigmas[k];
    const x = mu + sigma * truncatedNormalQuantile(rand(), (this.lo - mu) / sigma, (this.hi - mu) / sigma);
    if (this.step === 0) return Math.min(this.high, Math.max(this.low, x));
    const snapped = this.low + Math.round((x - this.low) / this.step) * this.step;
    return Math.min(this.high, Math.max(this.low, snapped));
  }

  /** log density (continuous) or log probability (discrete) of x under the mixture. */
  logPdf(x: number): number {
    const t = this.scratch;
    for (let k = 0; k < t.length; k++) {
      const mu = this.mus[k];
      const sigma = this.sigmas[k];
      const term = this.step === 0 ? logNormalPdf((x - mu) / sigma) - Math.log(sigma) : logGaussMass((x - this.step / 2 - mu) / sigma, (x + this.step / 2 - mu) / sigma);
      t[k] = this.logWeights[k] + term - this.logNorm[k];
    }
    return logSumExp(t);
  }
}

/** A mixture of smoothed categorical distributions over `size` choices (indices 0..size-1). */
export class CategoricalParzen {
  readonly weights: Float64Array;
  /** rows[k * size + c]: kernel k's probability of choice c. */
  readonly rows: Float64Array;
  private readonly logWeights: Float64Array;
  private readonly scratch: Float64Array;

  constructor(observations: ArrayLike<number>, readonly size: number, p: ParzenParameters) {
    const n = observations.length;
    this.weights = mixtureWeights(n, p);
    const m = this.weights.length;
    this.rows = new Float64Array(m * size);
    if (n === 0) {
      this.rows.fill(1 / size);
    } else {
      this.rows.fill(p.priorWeight / m);
      for (let i = 0; i < n; i++) this.rows[i * size + observations[i]] += 1;
      for (let k = 0; k < m; k++) {
        let sum = 0;
        for (let c = 0; c < size; c++) sum += this.rows[k * size + c];
        if (sum > 0) for (let c = 0; c < size; c++) this.rows[k * size + c] /= sum;
      }
    }
    this.logWeights = this.weights.map(Math.log);
    this.scratch = new Float64Array(m);
  }

  sample(rand: () => number): number {
    const k = pickIndex(this.weights, rand());
    const u = rand();
    let acc = 0;
    for (let c = 0; c < this.size - 1; c++) {
      acc += this.rows[k * this.size + c];
      if (u < acc) return c;
    }
    return this.size - 1;
  }

  logPdf(c: number): number {
    const t = this.scratch;
    for (let k = 0; k < t.length; k++) t[k] = this.logWeights[k] + Math.log(this.rows[k * this.size + c]);
    return logSumExp(t);
  }
}
