/**
 * References for the linear-regression slope: TA-Lib's own formula (TA_LINEARREG_SLOPE, summed per window as
 * ta_LINEARREG_SLOPE.c does) and the exact error of any computed slope, in exact rational arithmetic (BigInt).
 */

/** TA-Lib LINEARREG_SLOPE: per window, SumXY and SumY of the raw values, (n·SumXY − SumX·SumY) / Divisor. */
export function talibSlope(src: Float64Array, period: number): Float64Array {
  const out = new Float64Array(src.length).fill(NaN);
  const sumX = period * (period - 1) * 0.5;
  const sumXSqr = (period * (period - 1) * (2 * period - 1)) / 6;
  const divisor = sumX * sumX - period * sumXSqr;
  for (let today = period - 1; today < src.length; today++) {
    let sumXY = 0;
    let sumY = 0;
    for (let i = period; i-- !== 0; ) {
      const v = src[today - i];
      sumY += v;
      sumXY += i * v;
    }
    out[today] = (period * sumXY - sumX * sumY) / divisor;
  }
  return out;
}

/** A finite double as mantissa x 2^exponent, exactly. */
function parts(x: number): [bigint, number] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  return [hi >>> 31 ? -mantissa : mantissa, exponent];
}

/**
 * |slope − exact slope| of the window of `period` values ending at `end`, where the exact slope is
 * Σ (2j − (period − 1)) y_j / (period (period² − 1) / 6): every value is a dyadic rational, so the difference is
 * computed exactly and rounded once at the end.
 */
export function exactSlopeError(src: Float64Array, end: number, period: number, slope: number): number {
  const denominator = BigInt((period * (period * period - 1)) / 6);
  const values: [bigint, number][] = [];
  for (let j = 0; j < period; j++) values.push(parts(src[end - period + 1 + j]));
  const s = parts(slope);
  const base = Math.min(s[1], ...values.map((v) => v[1]));
  let numerator = 0n;
  values.forEach(([m, e], j) => {
    numerator += BigInt(2 * j - (period - 1)) * (m << BigInt(e - base));
  });
  const scaled = (s[0] << BigInt(s[1] - base)) * denominator;
  return (Math.abs(Number(scaled - numerator)) * 2 ** base) / Number(denominator);
}

/** The largest exactSlopeError over every defined value of `slopes`. */
export function maxSlopeError(src: Float64Array, period: number, slopes: Float64Array): number {
  let worst = 0;
  for (let i = period - 1; i < src.length; i++) {
    if (!Number.isFinite(slopes[i])) continue;
    const e = exactSlopeError(src, i, period, slopes[i]);
    if (e > worst) worst = e;
  }
  return worst;
}
