/**
 * The pass over the per-bar returns, for everything computed from their distribution: the central moments
 * (standard deviation, skewness, kurtosis) and the lower tail (value at risk), in one read.
 */
import { lowerTail, planBracket, resolveBracket, type LowerTail } from './select.js';
import { centralPowerSums } from '../../stats/moments.js';

export interface Moments {
  /** Sums of squared, cubed and fourth-power deviations from `mean`. */
  m2: number;
  m3: number;
  m4: number;
}

export interface Distribution extends Moments {
  /** Type-7 p-quantile and the mean of the values at or below it. */
  quantile: number;
  tailMean: number;
}

/** Up to this many values, plain selection is as fast as bracketing. */
export const SMALL_SAMPLE = 1 << 14;

/**
 * Moments about `mean` and the lower p-tail of `values[0..n)` (n >= 1, finite). `values` is scratch: it may
 * be reordered (after the moments are taken). `smallLimit` is for tests and warm-up only.
 */
export function momentsAndTail(values: Float64Array, n: number, mean: number, p: number, smallLimit = SMALL_SAMPLE): Distribution {
  const acc = new Float64Array(MOMENT_SLOTS);
  let tail: LowerTail | null = null;
  if (n > smallLimit) {
    const bracket = planBracket((j) => values[j], n, p);
    const insideCount = momentsWithBracket(values, n, mean, bracket.lo, bracket.hi, bracket.inside, acc);
    if (insideCount >= 0) {
      tail = resolveBracket(bracket, {
        belowCount: acc[BELOW_COUNT],
        belowSum: acc[BELOW_SUM],
        loCount: acc[LO_COUNT],
        hiCount: acc[HI_COUNT],
        insideCount,
      });
    }
  } else {
    centralPowerSums(values, n, mean, acc); // fills M2, M3, M4 (slots 0..2)
  }
  // Exact selection over everything: small input, or the sampled bracket missed (rare).
  tail ??= lowerTail(values, n, p);
  return { m2: acc[M2], m3: acc[M3], m4: acc[M4], quantile: tail.quantile, tailMean: tail.tailMean };
}

/**
 * The moments of momentsAndTail alone (no tail), to the last bit the same: the same summation, in the same
 * order, for the same sizes (an empty bracket that no finite value falls into).
 */
export function moments(values: Float64Array, n: number, mean: number, smallLimit = SMALL_SAMPLE): Moments {
  const acc = new Float64Array(MOMENT_SLOTS);
  if (n > smallLimit) momentsWithBracket(values, n, mean, -Infinity, -Infinity, NO_INSIDE, acc);
  else centralPowerSums(values, n, mean, acc);
  return { m2: acc[M2], m3: acc[M3], m4: acc[M4] };
}

const NO_INSIDE = new Float64Array(0);
const M2 = 0;
const M3 = 1;
const M4 = 2;
const BELOW_COUNT = 3;
const BELOW_SUM = 4;
const LO_COUNT = 5;
const HI_COUNT = 6;
const MOMENT_SLOTS = 7;

/**
 * Moments, plus what lies below, at and inside the bracket [lo, hi]: values strictly inside are copied
 * to `inside`. Returns how many were, or -1 when `inside` overflowed (the bracket was too wide to help).
 * Two values per iteration with separate moment sums: the loop is bound by the latency of the additions,
 * and two independent chains halve it (measured 1.27 -> 1.00 ms per 1,000,000 values).
 */
function momentsWithBracket(values: Float64Array, n: number, mean: number, lo: number, hi: number, inside: Float64Array, out: Float64Array): number {
  const capacity = inside.length;
  let a2 = 0;
  let a3 = 0;
  let a4 = 0;
  let b2 = 0;
  let b3 = 0;
  let b4 = 0;
  let belowCount = 0;
  let belowSum = 0;
  let loCount = 0;
  let hiCount = 0;
  let insideCount = 0;
  let overflow = false;
  const even = n - (n & 1);
  for (let i = 0; i < even; i += 2) {
    const v = values[i];
    const w = values[i + 1];
    const d = v - mean;
    const e = w - mean;
    const d2 = d * d;
    const e2 = e * e;
    a2 += d2;
    a3 += d2 * d;
    a4 += d2 * d2;
    b2 += e2;
    b3 += e2 * e;
    b4 += e2 * e2;
    if (v <= hi) {
      if (v < lo) {
        belowCount++;
        belowSum += v;
      } else if (v === lo) loCount++;
      else if (v === hi) hiCount++;
      else if (insideCount < capacity) inside[insideCount++] = v;
      else overflow = true;
    }
    if (w <= hi) {
      if (w < lo) {
        belowCount++;
        belowSum += w;
      } else if (w === lo) loCount++;
      else if (w === hi) hiCount++;
      else if (insideCount < capacity) inside[insideCount++] = w;
      else overflow = true;
    }
  }
  if (even < n) {
    // The odd last value.
    const v = values[even];
    const d = v - mean;
    const d2 = d * d;
    a2 += d2;
    a3 += d2 * d;
    a4 += d2 * d2;
    if (v <= hi) {
      if (v < lo) {
        belowCount++;
        belowSum += v;
      } else if (v === lo) loCount++;
      else if (v === hi) hiCount++;
      else if (insideCount < capacity) inside[insideCount++] = v;
      else overflow = true;
    }
  }
  out[M2] = a2 + b2;
  out[M3] = a3 + b3;
  out[M4] = a4 + b4;
  out[BELOW_COUNT] = belowCount;
  out[BELOW_SUM] = belowSum;
  out[LO_COUNT] = loCount;
  out[HI_COUNT] = hiCount;
  return overflow ? -1 : insideCount;
}
