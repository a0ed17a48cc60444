/**
 * Order statistics for the metrics: the lower tail of a distribution, used for historical value at risk.
 * Internal to src/engine/metrics.
 */
import { selectInPlace } from '../../stats/select.js';

export { selectInPlace };

/** The p-quantile and the mean of the values at or below it. */
export interface LowerTail {
  quantile: number;
  tailMean: number;
}

/**
 * The p-quantile of `values[0..n)` with linear interpolation between order statistics (type 7, numpy's
 * default and simple-statistics' `quantile`: h = (n - 1)p, q = x[floor h] + frac(h) (x[floor h + 1] - x[floor h])),
 * and the mean of all values <= q. Reorders `values` (pass scratch). n >= 1, 0 <= p < 1, values not NaN.
 */
export function lowerTail(values: Float64Array, n: number, p: number): LowerTail {
  const h = (n - 1) * p;
  const k0 = Math.floor(h);
  const frac = h - k0;
  selectInPlace(values, k0, 0, n - 1);
  let q = values[k0];
  if (frac > 0) {
    selectInPlace(values, k0 + 1, k0 + 1, n - 1);
    q = q + frac * (values[k0 + 1] - q);
  }
  // Everything in [0, k0] is <= q; ties with q may sit beyond k0, so scan all.
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v <= q) {
      sum += v;
      count++;
    }
  }
  return { quantile: q, tailMean: sum / count };
}

/**
 * A bracket [lo, hi] around the value of rank floor((n - 1)p), chosen from a fixed-seed random sample of
 * 2048 values, so that a single pass can keep only the few values that matter for the quantile: it counts and
 * sums what lies below lo, counts ties at lo and hi, and keeps only the values strictly inside (see
 * momentsAndTail). The answer is exact; when the sample was unlucky and the bracket misses, resolveBracket
 * says so and the caller falls back to selection over everything.
 */
export interface TailBracket {
  readonly k0: number;
  readonly frac: number;
  readonly lo: number;
  readonly hi: number;
  /** Room for the values strictly inside (lo, hi); more than this means the bracket missed. */
  readonly inside: Float64Array;
}

const SAMPLE_SIZE = 2048;

/** `valueAt(j)` reads value j (0 <= j < n) of a sequence that need not be stored. */
export function planBracket(valueAt: (j: number) => number, n: number, p: number): TailBracket {
  const h = (n - 1) * p;
  const k0 = Math.floor(h);
  const sample = new Float64Array(SAMPLE_SIZE);
  let seed = 0x9e3779b9 | 0;
  for (let i = 0; i < SAMPLE_SIZE; i++) {
    // xorshift32 with a fixed seed: the same input always takes the same path.
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    sample[i] = valueAt((seed >>> 0) % n);
  }
  sample.sort();
  const share = k0 / (n - 1);
  const position = share * (SAMPLE_SIZE - 1);
  // The target's rank in the sample is about binomial: 5 standard deviations either side (plus rounding)
  // make a miss, and with it the slower exact path, very rare.
  const margin = Math.ceil(5 * Math.sqrt(SAMPLE_SIZE * share * (1 - share))) + 2;
  const loIndex = Math.floor(position) - margin;
  const hiIndex = Math.ceil(position) + margin + 1;
  const lo = loIndex <= 0 ? -Infinity : sample[loIndex];
  const hi = hiIndex >= SAMPLE_SIZE - 1 ? Infinity : sample[hiIndex];
  const capacity = Math.ceil((2 * n * (hiIndex - loIndex + 2)) / SAMPLE_SIZE) + 64;
  return { k0, frac: h - k0, lo, hi, inside: insideBuffer(Math.min(capacity, n)) };
}

/** Reused between calls (all synchronous): allocating ~10 % of n doubles per call showed up as GC time. */
let insideScratch = new Float64Array(0);
function insideBuffer(length: number): Float64Array {
  if (insideScratch.length < length) insideScratch = new Float64Array(length);
  return insideScratch.subarray(0, length);
}

/** What one pass saw of a bracket: counts and sums below it, ties at its ends, the values inside. */
export interface BracketCounts {
  belowCount: number;
  belowSum: number;
  loCount: number;
  hiCount: number;
  insideCount: number;
}

/** The tail from a bracket pass, or null when the sampled bracket missed rank k0 or k0 + 1. */
export function resolveBracket(b: TailBracket, c: BracketCounts): LowerTail | null {
  const { k0, frac, lo, hi, inside } = b;
  const { belowCount, loCount, hiCount, insideCount } = c;
  const first = rankInBracket(k0, belowCount, loCount, insideCount, hiCount);
  if (first === MISS) return null;
  const offset = belowCount + loCount;
  let q = valueInBracket(first, k0 - offset, lo, hi, inside, insideCount, 0);
  if (frac > 0) {
    const second = rankInBracket(k0 + 1, belowCount, loCount, insideCount, hiCount);
    if (second === MISS) return null;
    // Selection of k0 left everything after it >= it, so rank k0 + 1 is found within that part.
    const from = first === INSIDE ? k0 - offset + 1 : 0;
    q = q + frac * (valueInBracket(second, k0 + 1 - offset, lo, hi, inside, insideCount, from) - q);
  }
  // lo <= q always holds here (rank k0 is at or above lo); lo === hi puts every tie in loCount.
  let sum = c.belowSum + (loCount > 0 ? loCount * lo : 0);
  let count = belowCount + loCount;
  for (let i = 0; i < insideCount; i++) {
    const v = inside[i];
    if (v <= q) {
      sum += v;
      count++;
    }
  }
  if (hiCount > 0 && hi <= q) {
    sum += hiCount * hi;
    count += hiCount;
  }
  return { quantile: q, tailMean: sum / count };
}

const MISS = 0;
const AT_LO = 1;
const INSIDE = 2;
const AT_HI = 3;

function rankInBracket(rank: number, below: number, atLo: number, inside: number, atHi: number): number {
  if (rank < below) return MISS;
  if (rank < below + atLo) return AT_LO;
  if (rank < below + atLo + inside) return INSIDE;
  if (rank < below + atLo + inside + atHi) return AT_HI;
  return MISS;
}

/** `insideRank` is the rank among the inside values; `from` is where an earlier selection left off. */
function valueInBracket(where: number, insideRank: number, lo: number, hi: number, inside: Float64Array, inCount: number, from: number): number {
  if (where === AT_LO) return lo;
  if (where === AT_HI) return hi;
  selectInPlace(inside, insideRank, from, inCount - 1);
  return inside[insideRank];
}
