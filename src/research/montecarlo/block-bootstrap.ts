import type { PathRng } from './rng.js';

/**
 * Stationary bootstrap (Politis & Romano 1994): blocks start at a uniform index and have geometric
 * lengths with mean `meanBlockLength`, wrapping around the end of the series. At each step the block
 * ends with probability 1 / meanBlockLength and a new one starts; otherwise the next observation follows,
 * which keeps the short-range dependence (autocorrelation) that an iid bootstrap destroys.
 */
export function stationaryBootstrapInto(
  source: Float64Array,
  out: Float64Array,
  rng: PathRng,
  meanBlockLength: number,
): void {
  const n = source.length;
  const p = 1 / meanBlockLength;
  let pos = 0;
  for (let i = 0; i < out.length; i++) {
    // The first draw always starts a block; the test of u < p is skipped then, so it costs one draw.
    if (i === 0 || rng.next() < p) pos = rng.below(n);
    else if (++pos === n) pos = 0;
    out[i] = source[pos];
  }
}

/**
 * The automatic mean block length of the stationary bootstrap: Politis & White (2004) with the
 * correction of Patton, Politis & White (2009), following Patton's reference code (opt_block_length_REV,
 * which the Python `arch` package also follows):
 * - K_N = max(5, ceil(sqrt(log10 n))), m_max = ceil(sqrt n) + K_N, b_max = ceil(min(3 sqrt n, n / 3));
 * - m̂ = the smallest m >= 1 whose K_N autocorrelations at lags m .. m+K_N-1 are all below
 *   2 sqrt(log10 n / n) in size (else the largest significant lag), and M = min(2 m̂, m_max);
 * - with the flat-top kernel λ(t) = 1 for |t| <= 1/2, 2(1 - |t|) up to 1, and autocovariances R(k):
 *   G = Σ_{|k|<=M} λ(k/M) |k| R(k), g = Σ_{|k|<=M} λ(k/M) R(k), D_SB = 2 g²,
 *   b* = (2 G² / D_SB)^(1/3) n^(1/3), capped at b_max.
 * Returns at least 1 (an iid-like series gives b* near 0: blocks of one, the iid bootstrap).
 */
export function optimalBlockLength(x: Float64Array): number {
  const n = x.length;
  if (n < 8) return 1;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  const kn = Math.max(5, Math.ceil(Math.sqrt(Math.log10(n))));
  const mMax = Math.min(Math.ceil(Math.sqrt(n)) + kn, n - 1);
  const bMax = Math.ceil(Math.min(3 * Math.sqrt(n), n / 3));
  const threshold = 2 * Math.sqrt(Math.log10(n) / n);

  // Autocovariances R(0..mMax), divided by n (the usual biased estimator PW use).
  const acov = new Float64Array(mMax + 1);
  for (let k = 0; k <= mMax; k++) {
    let s = 0;
    for (let t = k; t < n; t++) s += (x[t] - mean) * (x[t - k] - mean);
    acov[k] = s / n;
  }
  if (!(acov[0] > 0)) return 1;
  const significant = (k: number): boolean => Math.abs(acov[k] / acov[0]) >= threshold;

  let mHat = 0;
  for (let m = 1; m + kn - 1 <= mMax; m++) {
    let quiet = true;
    for (let k = m; k < m + kn; k++) {
      if (significant(k)) {
        quiet = false;
        break;
      }
    }
    if (quiet) {
      mHat = m;
      break;
    }
  }
  if (mHat === 0) {
    for (let k = mMax; k >= 1; k--) {
      if (significant(k)) {
        mHat = k;
        break;
      }
    }
    mHat = Math.max(mHat, 1);
  }
  const bigM = Math.min(2 * mHat, mMax);

  let g = acov[0];
  let bigG = 0;
  for (let k = 1; k <= bigM; k++) {
    const t = k / bigM;
    const lambda = t <= 0.5 ? 1 : 2 * (1 - t);
    // Each lag counts twice: R(k) = R(-k).
    g += 2 * lambda * acov[k];
    bigG += 2 * lambda * k * acov[k];
  }
  const dSb = 2 * g * g;
  if (!(dSb > 0)) return 1;
  const b = Math.cbrt((2 * bigG * bigG) / dSb) * Math.cbrt(n);
  return Math.max(1, Math.min(b, bMax));
}
