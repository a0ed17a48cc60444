/**
 * Rolling-window statistics: standard deviation, z-score, min, max, percentile rank, linear-regression slope.
 *
 * Every window holds `window` bars including the current one; output is NaN for the first `window − 1` bars
 * and while the window holds a missing value (NaN or ±Infinity). `out` must not alias the input.
 */
import { checkInt, checkLengths, IndexDeque } from './common.js';
import { cachedIndicator, indicatorColumn } from './cache.js';

/**
 * @internal Rolling mean and standard deviation (divisor window − ddof) in one pass: a sliding Welford
 * update, recomputed exactly (two-pass) every `window` bars so rounding drift stays bounded.
 */
export function rollingMeanStdInto(
  meanOut: Float64Array | null,
  stdOut: Float64Array,
  src: Float64Array,
  window: number,
  ddof: number,
): void {
  const n = src.length;
  const divisor = window - ddof;
  let runStart = 0;
  let mean = 0;
  let m2 = 0;
  let countdown = window;
  let same = 0; // length of the run of identical values ending at i
  for (let i = 0; i < n; i++) {
    const v = src[i];
    same = i > 0 && v === src[i - 1] ? same + 1 : 1;
    if (!(v - v === 0)) {
      runStart = i + 1;
      mean = 0;
      m2 = 0;
      stdOut[i] = NaN;
      if (meanOut !== null) meanOut[i] = NaN;
      continue;
    }
    const count = i - runStart + 1;
    if (count <= window) {
      const d = v - mean;
      mean += d / count;
      m2 += d * (v - mean);
      countdown = window;
    } else {
      const o = src[i - window];
      const d = v - o;
      const oldMean = mean;
      mean += d / window;
      m2 += d * (v - mean + o - oldMean);
      if (--countdown === 0) {
        countdown = window;
        let s = 0;
        for (let j = i - window + 1; j <= i; j++) s += src[j];
        mean = s / window;
        let q = 0;
        for (let j = i - window + 1; j <= i; j++) {
          const x = src[j] - mean;
          q += x * x;
        }
        m2 = q;
      }
    }
    if (same >= window) {
      // A flat window: σ is exactly 0 (a sliding update would leave rounding residue, amplified by sqrt).
      mean = v;
      m2 = 0;
    }
    if (count >= window) {
      stdOut[i] = m2 > 0 ? Math.sqrt(m2 / divisor) : 0;
      if (meanOut !== null) meanOut[i] = mean;
    } else {
      stdOut[i] = NaN;
      if (meanOut !== null) meanOut[i] = NaN;
    }
  }
}

function checkDdof(ddof: number, window: number): void {
  if (!Number.isInteger(ddof) || ddof < 0 || ddof >= window) {
    throw new RangeError(`ddof must be an integer >= 0 and below window (${window}); got ${String(ddof)}.`);
  }
}

/**
 * Rolling standard deviation into `out`: sqrt(Σ(x − mean)² / (window − ddof)); ddof 0 (default) is the
 * population σ (TA-Lib STDDEV with nbDev 1), ddof 1 the sample σ (pandas' default).
 * Warm-up: `window − 1` leading NaNs.
 */
export function rollingStdInto(out: Float64Array, src: Float64Array, window: number, ddof = 0): Float64Array {
  checkInt('window', window);
  checkDdof(ddof, window);
  checkLengths(src.length, [out], ['out']);
  rollingMeanStdInto(null, out, src, window, ddof);
  return out;
}

/** Rolling standard deviation (population by default). Warm-up: `window − 1` leading NaNs. */
export function rollingStd(src: Float64Array, window: number, ddof = 0): Float64Array {
  return cachedIndicator('rollingStd', [src, window, ddof], () => rollingStdInto(indicatorColumn(src.length), src, window, ddof));
}

/**
 * Rolling z-score into `out`: (x − mean) / σ over the window (σ with divisor window − ddof); 0 when σ is 0.
 * Warm-up: `window − 1` leading NaNs. Allocates one scratch buffer per call.
 */
export function zScoreInto(out: Float64Array, src: Float64Array, window: number, ddof = 0): Float64Array {
  checkInt('window', window);
  checkDdof(ddof, window);
  const n = src.length;
  checkLengths(n, [out], ['out']);
  const mean = new Float64Array(n);
  rollingMeanStdInto(mean, out, src, window, ddof);
  for (let i = 0; i < n; i++) {
    const sd = out[i];
    out[i] = sd > 0 ? (src[i] - mean[i]) / sd : sd === 0 ? 0 : NaN;
  }
  return out;
}

/** Rolling z-score. Warm-up: `window − 1` leading NaNs. */
export function zScore(src: Float64Array, window: number, ddof = 0): Float64Array {
  return cachedIndicator('zScore', [src, window, ddof], () => zScoreInto(indicatorColumn(src.length), src, window, ddof));
}

function rollingExtremeInto(out: Float64Array, src: Float64Array, window: number, isMax: boolean): Float64Array {
  checkInt('window', window);
  const n = src.length;
  checkLengths(n, [out], ['out']);
  if (window > n) {
    out.fill(NaN);
    return out;
  }
  const q = new IndexDeque(window + 1);
  let lastBad = -1;
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (v - v === 0) {
      if (isMax) {
        while (q.size > 0 && src[q.back()] <= v) q.popBack();
      } else {
        while (q.size > 0 && src[q.back()] >= v) q.popBack();
      }
      q.pushBack(i);
    } else {
      lastBad = i;
    }
    while (q.size > 0 && q.front() <= i - window) q.popFront();
    out[i] = i - lastBad >= window ? src[q.front()] : NaN;
  }
  return out;
}

/** Rolling maximum into `out` (TA-Lib MAX), O(n) with a monotonic deque. Warm-up: `window − 1` leading NaNs. */
export function rollingMaxInto(out: Float64Array, src: Float64Array, window: number): Float64Array {
  return rollingExtremeInto(out, src, window, true);
}

/** Rolling maximum (TA-Lib MAX). Warm-up: `window − 1` leading NaNs. */
export function rollingMax(src: Float64Array, window: number): Float64Array {
  return cachedIndicator('rollingMax', [src, window], () => rollingExtremeInto(indicatorColumn(src.length), src, window, true));
}

/** Rolling minimum into `out` (TA-Lib MIN), O(n) with a monotonic deque. Warm-up: `window − 1` leading NaNs. */
export function rollingMinInto(out: Float64Array, src: Float64Array, window: number): Float64Array {
  return rollingExtremeInto(out, src, window, false);
}

/** Rolling minimum (TA-Lib MIN). Warm-up: `window − 1` leading NaNs. */
export function rollingMin(src: Float64Array, window: number): Float64Array {
  return cachedIndicator('rollingMin', [src, window], () => rollingExtremeInto(indicatorColumn(src.length), src, window, false));
}

/**
 * Rolling percentile rank into `out`, in percent: the share of the other `window − 1` values in the window
 * that are less than or equal to the current value (0 = strictly the lowest, 100 = the highest or tied
 * with all). Equals TradingView's ta.percentrank(src, window − 1). window >= 2.
 * Warm-up: `window − 1` leading NaNs. O(n·window).
 */
export function rollingRankInto(out: Float64Array, src: Float64Array, window: number): Float64Array {
  checkInt('window', window, 2);
  const n = src.length;
  checkLengths(n, [out], ['out']);
  const others = window - 1;
  let lastBad = -1;
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (!(v - v === 0)) lastBad = i;
    if (i - lastBad < window) {
      out[i] = NaN;
      continue;
    }
    let c = 0;
    for (let j = i - others; j < i; j++) if (src[j] <= v) c++;
    out[i] = (100 * c) / others;
  }
  return out;
}

/** Rolling percentile rank in percent (TradingView ta.percentrank(src, window − 1)). Warm-up: `window − 1`. */
export function rollingRank(src: Float64Array, window: number): Float64Array {
  return cachedIndicator('rollingRank', [src, window], () => rollingRankInto(indicatorColumn(src.length), src, window));
}

/**
 * Slope of the least-squares line through the last `period` values against bar number (TA-Lib
 * LINEARREG_SLOPE), in units of the input per bar. period >= 2. Warm-up: `period − 1` leading NaNs.
 * Exactly 0 on a window of identical values. O(n): running sums, re-summed every `period` bars.
 */
export function linearRegressionSlopeInto(out: Float64Array, src: Float64Array, period = 14): Float64Array {
  checkInt('period', period, 2);
  const n = src.length;
  checkLengths(n, [out], ['out']);
  if (period > n) {
    out.fill(NaN);
    return out;
  }
  // t = 0..period-1 inside the window (oldest 0); slope = Σ(t − t̄)(y − a) / Σ(t − t̄)² for any constant a,
  // since Σ(t − t̄) = 0. The sums run over d = y − a with a = a recent value (re-chosen at every re-sum):
  // d is small beside y, and so is its rounding, where summing y itself (TA-Lib) loses the digits that the
  // slope is made of.
  const tMean = (period - 1) / 2;
  const stt = (period * (period * period - 1)) / 12;
  let anchor = NaN;
  let sd = 0; // Σ d
  let std = 0; // Σ t·d
  let lastBad = -1;
  let same = 0; // length of the run of identical values ending at i
  let countdown = period;
  for (let i = 0; i < n; i++) {
    const v = src[i];
    let d = 0; // a missing value counts as d = 0 (its windows are NaN anyway)
    if (v - v === 0) {
      if (anchor !== anchor) anchor = v;
      d = v - anchor;
    } else lastBad = i;
    same = i > 0 && v === src[i - 1] ? same + 1 : 1;
    if (i < period) {
      std += i * d;
      sd += d;
    } else {
      const o = src[i - period];
      const od = o - o === 0 ? o - anchor : 0;
      // Every remaining value moves one step back in t; the oldest leaves, the new one enters at period-1.
      std += od - sd + (period - 1) * d;
      sd += d - od;
      if (--countdown === 0) {
        countdown = period;
        if (v - v === 0) anchor = v;
        let a = 0;
        let b = 0;
        for (let j = 0; j < period; j++) {
          const x = src[i - period + 1 + j];
          const dx = x - x === 0 ? x - anchor : 0;
          a += dx;
          b += j * dx;
        }
        sd = a;
        std = b;
      }
    }
    out[i] = i - lastBad < period ? NaN : same >= period ? 0 : (std - tMean * sd) / stt;
  }
  return out;
}

/** Linear-regression slope (TA-Lib LINEARREG_SLOPE). Warm-up: `period − 1` leading NaNs. */
export function linearRegressionSlope(src: Float64Array, period = 14): Float64Array {
  return cachedIndicator('linearRegressionSlope', [src, period], () => linearRegressionSlopeInto(indicatorColumn(src.length), src, period));
}
