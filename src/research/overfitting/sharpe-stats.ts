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
import { centralPowerSums } from '../../stats/moments.js';

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
 * Mean, standard deviation, Sharpe, skewness and Pearson kurtosis of `returns` (two passes, no allocation).
 * A constant series has no shape: it is called normal (γ3 = 0, γ4 = 3) with std 0 rather than 0/0.
 */
export function returnMoments(returns: ArrayLike<number>): ReturnMoments {
  const n = returns.length;
  if (n < 2) throw new RangeError(`returnMoments: need at least 2 returns, got ${n}.`);
  // Two running sums (even and odd indices) halve the chain of dependent additions; `differ` flags a value
  // unlike the first without a branch.
  const first = returns[0];
  let even = 0;
  let odd = 0;
  let differ = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const x = returns[i];
    const y = returns[i + 1];
    even += x;
    odd += y;
    differ |= +(x !== first) | +(y !== first);
  }
  if (i < n) {
    even += returns[i];
    differ |= +(returns[i] !== first);
  }
  return momentsFromSum(returns, n, even + odd, differ === 0, first);
}

/**
 * The simple return from bar i to bar i + 1 of an equity curve, as the metrics define it (docs/metrics.md):
 * equity[i + 1] / equity[i] − 1, and 0 after a bar with no capital (equity <= 0).
 */
function stepReturn(equity: Float64Array, i: number): number {
  return equity[i] > 0 ? equity[i + 1] / equity[i] - 1 : 0;
}

/** Per-bar simple returns of an equity curve: n − 1 of them (into `out` when given, which must hold them). */
export function equityReturns(equity: Float64Array, out = new Float64Array(Math.max(0, equity.length - 1))): Float64Array {
  const n = equity.length - 1;
  for (let i = 0; i < n; i++) out[i] = stepReturn(equity, i);
  return n === out.length ? out : out.subarray(0, Math.max(0, n));
}

/**
 * returnMoments of equityReturns(equity), written into `returns` by the same pass that sums them: what a
 * sweep trial needs, one pass fewer.
 */
export function equityReturnMoments(equity: Float64Array, returns: Float64Array): ReturnMoments {
  const n = equity.length - 1;
  if (n < 2) throw new RangeError(`returnMoments: need at least 2 returns, got ${Math.max(0, n)}.`);
  if (returns.length < n) throw new RangeError(`returns must hold the ${n} returns of the equity (got ${returns.length}).`);
  const first = stepReturn(equity, 0);
  let even = 0;
  let odd = 0;
  let differ = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const x = stepReturn(equity, i);
    const y = stepReturn(equity, i + 1);
    returns[i] = x;
    returns[i + 1] = y;
    even += x;
    odd += y;
    differ |= +(x !== first) | +(y !== first);
  }
  if (i < n) {
    const x = stepReturn(equity, i);
    returns[i] = x;
    even += x;
    differ |= +(x !== first);
  }
  return momentsFromSum(returns, n, even + odd, differ === 0, first);
}

const powerSums = new Float64Array(3);

/** The rest of returnMoments, from the first pass over values[0..n): their sum, and whether all equal `first`. */
function momentsFromSum(values: ArrayLike<number>, n: number, sum: number, constant: boolean, first: number): ReturnMoments {
  // A constant series: its mean, exactly, and no deviation (summing would leave rounding noise as a std).
  if (constant && Number.isFinite(first)) return { count: n, mean: first, std: 0, sharpe: sharpeOf(first, 0), skewness: 0, kurtosis: 3 };
  const mean = sum / n;
  centralPowerSums(values, n, mean, powerSums);
  let [m2, m3, m4] = powerSums;
  if (!Number.isFinite(m4)) throw new RangeError('returnMoments: returns must be finite numbers.');
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
