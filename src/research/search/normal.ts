/**
 * Gaussian helpers for the TPE sampler's truncated-normal kernels, built on the one normal distribution in
 * src/stats/normal.ts: the log probability mass of an interval and truncated draws. Mass and densities are in
 * log space because TPE compares l(x)/g(x) where either may be far in a tail.
 */
import { logNormalCdf, normalCdf, normalQuantile } from '../../stats/normal.js';

export { logNormalCdf, normalCdf, normalQuantile };

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log of the standard normal density. */
export function logNormalPdf(x: number): number {
  return -0.5 * x * x - LOG_SQRT_2PI;
}

/**
 * log(Phi(b) - Phi(a)) for a <= b, as in Optuna's _truncnorm._log_gauss_mass: the left tail directly, the
 * right tail by symmetry, and an interval around 0 as log1p(-Phi(a) - Phi(-b)) to avoid cancellation. A very
 * narrow interval uses width * density at the midpoint (relative error O(width^2)), since subtracting two
 * CDF values that agree to 7 digits would lose the whole answer.
 */
export function logGaussMass(a: number, b: number): number {
  const width = b - a;
  const mid = 0.5 * (a + b);
  if (width * Math.max(1, Math.abs(mid)) < 1e-3) return Math.log(width) + logNormalPdf(mid) + Math.log1p((width * width * (mid * mid - 1)) / 24);
  if (b <= 0) return logDiff(logNormalCdf(b), logNormalCdf(a));
  if (a > 0) return logDiff(logNormalCdf(-a), logNormalCdf(-b));
  return Math.log1p(-normalCdf(a) - normalCdf(-b));
}

/** log(e^p - e^q) for p >= q. */
function logDiff(p: number, q: number): number {
  return p + Math.log1p(-Math.exp(q - p));
}

/**
 * A draw from N(0, 1) truncated to [a, b] by inverting the CDF at the uniform u, working on whichever side
 * keeps the CDF values small (as Optuna's ppf does), and clamped into [a, b].
 */
export function truncatedNormalQuantile(u: number, a: number, b: number): number {
  let x: number;
  if (a < 0) {
    const pa = normalCdf(a);
    x = normalQuantile(pa + u * (normalCdf(b) - pa));
  } else {
    const pb = normalCdf(-b);
    x = -normalQuantile(pb + (1 - u) * (normalCdf(-a) - pb));
  }
  return x < a ? a : x > b ? b : x;
}
