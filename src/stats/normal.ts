/**
 * The standard normal distribution to double precision: its density, CDF Φ (also in log space, for tails
 * where Φ underflows) and quantile Φ⁻¹. One implementation for the overfitting statistics (compared with
 * published values to 1e-9, which simple-statistics' table-based CDF and probit, about 1e-4 and 1e-7, cannot
 * reach) and the TPE sampler's kernels.
 */

const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)
const SQRT_2PI = 2.5066282746310002;

/** The standard normal density φ(x). */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/**
 * Upper tail Q(x) = 1 − Φ(x) for x >= 3 by Laplace's continued fraction
 * Q(x) = φ(x) / (x + 1/(x + 2/(x + 3/(x + ...)))), evaluated bottom-up: it keeps full relative precision
 * far into the tail, where 1 − Φ(x) would round to 0. 60 levels are more than enough from x = 3 on.
 */
function upperTail(x: number): number {
  return normalPdf(x) / tailFraction(x);
}

function tailFraction(x: number): number {
  let fraction = x;
  for (let k = 60; k >= 1; k--) fraction = x + k / fraction;
  return fraction;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log Φ(x), accurate deep in the left tail (x = −40 gives about −804.6, where Φ itself underflows to 0). */
export function logNormalCdf(x: number): number {
  if (x <= -3) return -0.5 * x * x - LOG_SQRT_2PI - Math.log(tailFraction(-x));
  return Math.log(normalCdf(x));
}

/**
 * Φ(x), the standard normal CDF, with absolute error near 1e-16 (relative error near 1e-15 in the tails).
 * |x| < 3: Marsaglia's series Φ(x) = 1/2 + φ(x)(x + x³/3 + x⁵/(3·5) + ...) (J. Stat. Software 11(4), 2004),
 * whose terms are all positive there; beyond it the continued fraction above.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 3) return 1 - upperTail(x);
  if (x <= -3) return upperTail(-x);
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let i = 3; sum + term !== sum; i += 2) {
    term *= x2 / i;
    sum += term;
  }
  return 0.5 + normalPdf(x) * sum;
}

// Acklam's rational approximation of Φ⁻¹ (relative error 1.15e-9), refined below by one Halley step.
const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** Φ⁻¹(p) for 0 < p <= 0.5, where Φ(x) − p keeps its relative precision. */
function lowerQuantile(p: number): number {
  let x: number;
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  }
  // Halley's step on Φ(x) = p (cubic convergence): 1e-9 becomes rounding error.
  const e = normalCdf(x) - p;
  const u = e * SQRT_2PI * Math.exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

/**
 * Φ⁻¹(p), the standard normal quantile (probit), to about 1e-15 relative. p = 0 gives −Infinity and p = 1
 * +Infinity; outside [0, 1] (or NaN) a RangeError.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be a probability in [0, 1], got ${p}.`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  // Above 1/2 solve in the lower tail: 1 − p is exact there (Sterbenz), and symmetry gives the rest.
  return p <= 0.5 ? lowerQuantile(p) : -lowerQuantile(1 - p);
}
