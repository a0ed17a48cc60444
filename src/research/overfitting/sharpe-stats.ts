/**
 * How much to trust a Sharpe ratio: the probabilistic Sharpe ratio and minimum track record length
 * (Bailey & López de Prado, "The Sharpe Ratio Efficient Frontier", J. of Risk 15(2), 2012) and the deflated
 * Sharpe ratio (Bailey & López de Prado, "The Deflated Sharpe Ratio", J. of Portfolio Management 40(5), 2014).
 *
 * Every Sharpe ratio here is per period (not annualized), in the units of the returns it came from, and
 * `kurtosis` is Pearson's (γ4 = m4/m2², 3 for a normal), not excess kurtosis: the variance of the Sharpe
 * estimator is (1 − γ3·SR + (γ4 − 1)/4·SR²)/(T − 1), and excess kurtosis there understates it (the bug
 * vectorbt ships).
 */
import { normalCdf, normalQuantile } from '../../stats/normal.js';
import { centralPowerSumsOver } from '../../stats/moments.js';

/** Euler–Mascheroni constant γ. */
export const EULER_GAMMA = 0.5772156649015329;

/** The moments of one return series that the statistics need. */
export interface ReturnMoments {
  /** Number of returns T. */
  count: number;
  mean: number;
  /** Sample standard deviation (divisor T − 1). */
  std: number;
  /** Per-period Sharpe ratio mean/std (risk-free rate 0); 0 for a flat series, ±Infinity for a constant non-zero one. */
  sharpe: number;
  /** Sample skewness γ3 = m3 / m2^1.5 (central moments with divisor T, as Bailey & López de Prado's code and scipy.stats.skew). */
  skewness: number;
  /** Pearson kurtosis γ4 = m4 / m2² (3 for a normal; scipy.stats.kurtosis(fisher=False)). */
  kurtosis: number;
}

/** Sharpe ratio mean/std with the conventions above for a zero deviation. */
export function sharpeOf(mean: number, std: number): number {
  if (std > 0) return mean / std;
  return mean === 0 ? 0 : mean > 0 ? Infinity : -Infinity;
}

/**
 * Values per block. Each block is summed, then its central powers taken about its own mean while it is still in
 * L1 (a trial's 100,000 returns are not), and the blocks are merged (mergeBlock). Even, so each block's
 * even/odd split is the series'.
 */
const BLOCK = 2048;
/** Count, mean, and sums of the 2nd, 3rd and 4th central powers of the blocks merged so far. */
const merged = new Float64Array(5);
const blockSums = new Float64Array(3);

/**
 * Merges values[from..to), whose sum is `sum`, into `merged` by the pairwise update of central moments (Chan,
 * Golub & LeVeque 1979 for M2; Pébay, Sandia report SAND2008-6212, for M3 and M4). It agrees with two passes
 * over the whole series to rounding (test/research/overfitting-sharpe.test.ts).
 */
function mergeBlock(values: ArrayLike<number>, from: number, to: number, sum: number): void {
  const nb = to - from;
  const meanB = sum / nb;
  centralPowerSumsOver(values, from, to, meanB, blockSums);
  const m2b = blockSums[0];
  const m3b = blockSums[1];
  const m4b = blockSums[2];
  const na = merged[0];
  if (na === 0) {
    merged[0] = nb;
    merged[1] = meanB;
    merged[2] = m2b;
    merged[3] = m3b;
    merged[4] = m4b;
    return;
  }
  const n = na + nb;
  const m2a = merged[2];
  const m3a = merged[3];
  const delta = meanB - merged[1];
  const dn = delta / n;
  const dn2 = dn * dn;
  const shift = delta * dn * na * nb;
  merged[4] += m4b + shift * dn2 * (na * na - na * nb + nb * nb) + 6 * dn2 * (na * na * m2b + nb * nb * m2a) + 4 * dn * (na * m3b - nb * m3a);
  merged[3] = m3a + m3b + shift * dn * (na - nb) + 3 * dn * (na * m2b - nb * m2a);
  merged[2] = m2a + m2b + shift;
  merged[1] += dn * nb;
  merged[0] = n;
}

/**
 * Mean, standard deviation, Sharpe, skewness and Pearson kurtosis of `returns` (one pass per block, see BLOCK;
 * no allocation). A constant series has no shape: it is called normal (γ3 = 0, γ4 = 3) with std 0 rather than 0/0.
 */
export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  const n = returns.length;
  if (n < 2) throw new RangeError(`returnMoments: need at least 2 returns, got ${n}.`);
  // Two running sums (even and odd indices) halve the chain of dependent additions; `differ` flags a value
  // unlike the first without a branch.
  const first = returns[0];
  let differ = 0;
  merged.fill(0);
  for (let from = 0; from < n; from += BLOCK) {
    const to = Math.min(n, from + BLOCK);
    let even = 0;
    let odd = 0;
    let i = from;
    for (; i + 1 < to; i += 2) {
      const x = returns[i];
      const y = returns[i + 1];
      even += x;
      odd += y;
      differ |= +(x !== first) | +(y !== first);
    }
    if (i < to) {
      even += returns[i];
      differ |= +(returns[i] !== first);
    }
    mergeBlock(returns, from, to, even + odd);
  }
  return mergedMoments(n, differ === 0, first);
}

/**
 * The simple return from one bar's equity to the next's, as the metrics define it (docs/metrics.md):
 * after / before − 1, and 0 after a bar with no capital (before <= 0).
 */
function stepReturn(before: number, after: number): number {
  return before > 0 ? after / before - 1 : 0;
}

/** Per-bar simple returns of an equity curve: n − 1 of them (into `out` when given, which must hold them). */
export function equityReturns(equity: Float64Array, out = new Float64Array(Math.max(0, equity.length - 1))): Float64Array {
  const n = equity.length - 1;
  for (let i = 0; i < n; i++) out[i] = stepReturn(equity[i], equity[i + 1]);
  return n === out.length ? out : out.subarray(0, Math.max(0, n));
}

/**
 * returnMoments of equityReturns(equity), exactly, written into `returns` by the same pass that sums them, from
 * one read of the equity: what a sweep trial needs. Its loop is returnMoments' with the division fused in:
 * summing each block in a loop of its own measured 15-40% slower.
 */
export function equityReturnMoments(equity: Float64Array, returns: Float64Array): ReturnMoments {
  const n = equity.length - 1;
  if (n < 2) throw new RangeError(`returnMoments: need at least 2 returns, got ${Math.max(0, n)}.`);
  if (returns.length < n) throw new RangeError(`returns must hold the ${n} returns of the equity (got ${returns.length}).`);
  const first = stepReturn(equity[0], equity[1]);
  let differ = 0;
  merged.fill(0);
  // Each equity value is read once: the bar's own is carried over as the next return's `before`.
  let before = equity[0];
  for (let from = 0; from < n; from += BLOCK) {
    const to = Math.min(n, from + BLOCK);
    let even = 0;
    let odd = 0;
    let i = from;
    for (; i + 1 < to; i += 2) {
      const middle = equity[i + 1];
      const after = equity[i + 2];
      const x = stepReturn(before, middle);
      const y = stepReturn(middle, after);
      before = after;
      returns[i] = x;
      returns[i + 1] = y;
      even += x;
      odd += y;
      differ |= +(x !== first) | +(y !== first);
    }
    if (i < to) {
      const after = equity[i + 1];
      const x = stepReturn(before, after);
      before = after;
      returns[i] = x;
      even += x;
      differ |= +(x !== first);
    }
    mergeBlock(returns, from, to, even + odd);
  }
  return mergedMoments(n, differ === 0, first);
}

/** The moments from `merged`, once every block of the n values is in. */
function mergedMoments(n: number, constant: boolean, first: number): ReturnMoments {
  // A constant series: its mean, exactly, and no deviation (summing would leave rounding noise as a std).
  if (constant && Number.isFinite(first)) return { count: n, mean: first, std: 0, sharpe: sharpeOf(first, 0), skewness: 0, kurtosis: 3 };
  const mean = merged[1];
  let m2 = merged[2];
  let m3 = merged[3];
  let m4 = merged[4];
  if (!Number.isFinite(m4) || !Number.isFinite(mean)) throw new RangeError('returnMoments: returns must be finite numbers.');
  const std = Math.sqrt(m2 / (n - 1));
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const skewness = m3 / Math.pow(m2, 1.5);
  const kurtosis = m4 / (m2 * m2);
  return { count: n, mean, std, sharpe: sharpeOf(mean, std), skewness, kurtosis };
}

/** What PSR and MinTRL need about the observed track record. */
export interface SharpeSample {
  /** Observed per-period Sharpe ratio. */
  sharpe: number;
  /** Sample skewness of the returns (0 for a normal). */
  skewness?: number;
  /** Pearson kurtosis of the returns (3 for a normal) — not excess kurtosis. */
  kurtosis?: number;
}

/**
 * 1 − γ3·SR + (γ4 − 1)/4·SR², the non-normality factor of the Sharpe estimator's variance. Refuses a
 * kurtosis below 1 + γ3² — impossible for any distribution (Pearson's inequality), and what excess
 * kurtosis of a near-normal series looks like.
 */
function sharpeVarianceFactor(sample: SharpeSample): number {
  const { sharpe } = sample;
  const skewness = sample.skewness ?? 0;
  const kurtosis = sample.kurtosis ?? 3;
  if (!Number.isFinite(sharpe) || !Number.isFinite(skewness) || !Number.isFinite(kurtosis)) {
    throw new RangeError(`Sharpe ${sharpe}, skewness ${skewness} and kurtosis ${kurtosis} must be finite numbers.`);
  }
  // Relative slack: a two-point distribution sits on the bound, and rounding may put it a hair below.
  if (kurtosis < (1 + skewness * skewness) * (1 - 1e-9)) {
    throw new RangeError(
      `kurtosis ${kurtosis} is below 1 + skewness² = ${1 + skewness * skewness}, which no distribution has: give Pearson kurtosis (3 for a normal), not excess kurtosis.`,
    );
  }
  return 1 - skewness * sharpe + ((kurtosis - 1) / 4) * sharpe * sharpe;
}

/**
 * Probabilistic Sharpe ratio PSR(SR*) = Φ((SR − SR*)·√(T − 1) / √(1 − γ3·SR + (γ4 − 1)/4·SR²)): the
 * probability that the true Sharpe ratio exceeds `benchmark` given T observed returns.
 */
export function probabilisticSharpeRatio(sample: SharpeSample & { observations: number }, benchmark = 0): number {
  const T = sample.observations;
  if (!(Number.isInteger(T) && T >= 2)) throw new RangeError(`observations must be an integer of at least 2, got ${T}.`);
  if (!Number.isFinite(benchmark)) throw new RangeError(`benchmark Sharpe ratio must be finite, got ${benchmark}.`);
  const factor = sharpeVarianceFactor(sample);
  return normalCdf(((sample.sharpe - benchmark) * Math.sqrt(T - 1)) / Math.sqrt(factor));
}

/**
 * Minimum track record length MinTRL = 1 + (1 − γ3·SR + (γ4 − 1)/4·SR²)·(Z_p / (SR − SR*))²: how many
 * observations it takes for PSR(SR*) to reach `confidence` (default 0.95). Infinity when SR <= SR*:
 * no record is long enough.
 */
export function minTrackRecordLength(sample: SharpeSample, benchmark = 0, confidence = 0.95): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1, got ${confidence}.`);
  if (!Number.isFinite(benchmark)) throw new RangeError(`benchmark Sharpe ratio must be finite, got ${benchmark}.`);
  const factor = sharpeVarianceFactor(sample);
  const edge = sample.sharpe - benchmark;
  if (!(edge > 0)) return Infinity;
  const z = normalQuantile(confidence) / edge;
  return 1 + factor * z * z;
}

/**
 * Expected maximum of N independent Sharpe ratio estimates whose true value is 0 and whose variance is
 * `variance`: SR0 = √V · ((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))), the deflated Sharpe ratio's
 * benchmark. 0 for a single trial (nothing was selected).
 */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (!(Number.isInteger(trials) && trials >= 1)) throw new RangeError(`trials must be a whole number of at least 1, got ${trials}.`);
  if (!(variance >= 0 && Number.isFinite(variance))) throw new RangeError(`variance of the trials' Sharpe ratios must be 0 or more, got ${variance}.`);
  if (trials === 1) return 0;
  const z = (1 - EULER_GAMMA) * normalQuantile(1 - 1 / trials) + EULER_GAMMA * normalQuantile(1 - 1 / (trials * Math.E));
  return Math.sqrt(variance) * z;
}

/** The deflated Sharpe ratio with the benchmark it used. */
export interface DeflatedSharpe {
  /** DSR = PSR(SR0). */
  dsr: number;
  /** SR0: the Sharpe ratio the best of `trials` luck-only strategies would be expected to show. */
  benchmark: number;
}

/**
 * Deflated Sharpe ratio: PSR against the expected maximum Sharpe ratio of `trials` trials (the number
 * actually run, not the number kept) whose Sharpe ratios have variance `sharpeVariance` (per period, as
 * `sharpe`).
 */
export function deflatedSharpeRatio(
  sample: SharpeSample & { observations: number; trials: number; sharpeVariance: number },
): DeflatedSharpe {
  const benchmark = expectedMaxSharpe(sample.trials, sample.sharpeVariance);
  return { dsr: probabilisticSharpeRatio(sample, benchmark), benchmark };
}

/**
 * Variance of the trials' Sharpe ratios, V[SR_n], with divisor N − 1 (the sample variance; `ddof` 0 gives
 * the population variance that mlfinlab uses). Non-finite Sharpe ratios (flat series) are refused.
 */
export function sharpeVariance(sharpes: ArrayLike<number>, ddof: 0 | 1 = 1): number {
  const n = sharpes.length;
  if (n - ddof < 1) throw new RangeError(`sharpeVariance: need more than ${ddof} Sharpe ratio(s), got ${n}.`);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(sharpes[i])) throw new RangeError(`sharpeVariance: Sharpe ratio ${i + 1} is ${sharpes[i]}; every trial needs a finite one.`);
    sum += sharpes[i];
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sharpes[i] - mean) ** 2;
  return ss / (n - ddof);
}
