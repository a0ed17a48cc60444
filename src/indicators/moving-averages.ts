/**
 * Moving averages: SMA, EMA, WMA, DEMA, TEMA, HMA, KAMA.
 *
 * Conventions (see docs/indicators.md): TA-Lib alignment, NaN during warm-up, a missing input value
 * (NaN or ±Infinity) is a break: NaN is written there and the average restarts after it as if the series
 * began on the next bar (for windowed averages this is the same as "NaN while the window holds it").
 * `out` must not be one of the inputs.
 */
import { checkInt, checkLengths, fillNaN } from './common.js';
import { cachedIndicator, indicatorColumn } from './cache.js';

/** Minimum number of bars between exact re-summations of a running window sum. */
const RESUM_EVERY = 1024;

/**
 * Simple moving average into `out`. Warm-up: `period - 1` leading NaNs.
 * O(n): a running sum, re-summed exactly every max(period, 1024) bars so rounding drift stays bounded.
 */
export function smaInto(out: Float64Array, src: Float64Array, period: number): Float64Array {
  checkInt('period', period);
  const n = src.length;
  checkLengths(n, [out], ['out']);
  if (period > n) {
    out.fill(NaN);
    return out;
  }
  // Fast path: a running sum over a window known to be clean. A missing value turns the sum non-finite,
  // which is detected once; the window is then marked dirty until the missing value has left it, and the
  // sum is rebuilt exactly. The sum is also rebuilt every max(period, 1024) bars to bound rounding drift:
  // the error left by large values that have left the window is then bounded by a few ulps of the largest
  // window sum seen in the last 1024 bars (same order as rebuilding every bar would leave).
  const resumEvery = Math.max(period, RESUM_EVERY);
  let sum = 0;
  let lastBad = -1;
  for (let i = 0; i < period; i++) {
    const v = src[i];
    if (v - v === 0) sum += v;
    else lastBad = i;
    out[i] = NaN;
  }
  let clean = lastBad < 0;
  if (clean) out[period - 1] = sum / period;
  let countdown = resumEvery;
  let i = period;
  while (i < n) {
    if (clean && countdown > 1) {
      // A tight block of the incremental steps before the next re-summation; if a missing value made the
      // sum non-finite anywhere in it, the block is redone below bar by bar, exactly as before.
      const end = Math.min(n, i + countdown - 1);
      let s = sum;
      for (let j = i; j < end; j++) {
        s += src[j] - src[j - period];
        out[j] = s / period;
      }
      if (s - s === 0) {
        sum = s;
        countdown -= end - i;
        i = end;
        continue;
      }
    }
    const blockEnd = Math.min(n, i + countdown);
    for (; i < blockEnd; i++) {
      if (clean) {
        sum += src[i] - src[i - period];
        if (--countdown === 0 || !(sum - sum === 0)) {
          countdown = resumEvery;
          sum = 0;
          for (let j = i - period + 1; j <= i; j++) {
            const x = src[j];
            if (x - x === 0) sum += x;
            else lastBad = j;
          }
          clean = i - lastBad >= period;
        }
        out[i] = clean ? sum / period : NaN;
      } else {
        const v = src[i];
        if (!(v - v === 0)) lastBad = i;
        if (i - lastBad >= period) {
          sum = 0;
          for (let j = i - period + 1; j <= i; j++) sum += src[j];
          clean = true;
          countdown = resumEvery;
          out[i] = sum / period;
        } else {
          out[i] = NaN;
        }
      }
      if (clean && countdown > 1 && i + 1 < blockEnd) {
        i++;
        break;
      }
    }
  }
  return out;
}

/** Simple moving average. Warm-up: `period - 1` leading NaNs. */
export function sma(src: Float64Array, period: number): Float64Array {
  return cachedIndicator('sma', [src, period], () => smaInto(indicatorColumn(src.length), src, period));
}

/**
 * @internal Not exported from the index. EMA over one run of valid values [s, e): seeded with the SMA of the `period` values ending at `seedEnd`
 * (>= s + period - 1), first output at `seedEnd`, then prev + k (x - prev). NaN before `seedEnd`.
 */
export function emaRun(out: Float64Array, src: Float64Array, s: number, e: number, period: number, k: number, seedEnd: number): void {
  if (seedEnd >= e) {
    fillNaN(out, s, e);
    return;
  }
  fillNaN(out, s, seedEnd);
  let sum = 0;
  for (let i = seedEnd - period + 1; i <= seedEnd; i++) sum += src[i];
  let prev = sum / period;
  out[seedEnd] = prev;
  for (let i = seedEnd + 1; i < e; i++) {
    prev = (src[i] - prev) * k + prev;
    out[i] = prev;
  }
}

/**
 * Exponential moving average into `out` (TA-Lib EMA): alpha = 2 / (period + 1), seeded with the SMA of
 * the first `period` values. Warm-up: `period - 1` leading NaNs. After a missing value it re-seeds.
 */
export function emaInto(out: Float64Array, src: Float64Array, period: number): Float64Array {
  checkInt('period', period);
  const n = src.length;
  checkLengths(n, [out], ['out']);
  const k = 2 / (period + 1);
  let i = 0;
  while (i < n) {
    const v = src[i];
    if (!(v - v === 0)) {
      out[i++] = NaN;
      continue;
    }
    let e = i + 1;
    while (e < n && src[e] - src[e] === 0) e++;
    emaRun(out, src, i, e, period, k, i + period - 1);
    i = e;
  }
  return out;
}

/** Exponential moving average (TA-Lib EMA). Warm-up: `period - 1` leading NaNs. */
export function ema(src: Float64Array, period: number): Float64Array {
  return cachedIndicator('ema', [src, period], () => emaInto(indicatorColumn(src.length), src, period));
}

/**
 * Linearly weighted moving average into `out` (TA-Lib WMA): weights 1..period, newest heaviest.
 * Warm-up: `period - 1` leading NaNs. O(n) with running sums re-summed exactly every `period` bars.
 */
export function wmaInto(out: Float64Array, src: Float64Array, period: number): Float64Array {
  checkInt('period', period);
  const n = src.length;
  checkLengths(n, [out], ['out']);
  if (period > n) {
    out.fill(NaN);
    return out;
  }
  const divider = (period * (period + 1)) / 2;
  // weighted = sum_j (j+1) x[i-period+1+j]; plain = sum of the window; missing values count as 0
  // in both (the output is NaN while the window holds one).
  let weighted = 0;
  let plain = 0;
  let lastBad = -1;
  let countdown = period;
  for (let i = 0; i < n; i++) {
    let v = src[i];
    if (!(v - v === 0)) {
      lastBad = i;
      v = 0;
    }
    weighted += period * v - plain;
    plain += v;
    if (i >= period) {
      const o = src[i - period];
      if (o - o === 0) plain -= o;
      if (--countdown === 0) {
        countdown = period;
        let w = 0;
        let p = 0;
        for (let j = 0; j < period; j++) {
          const x = src[i - period + 1 + j];
          if (x - x === 0) {
            w += (j + 1) * x;
            p += x;
          }
        }
        weighted = w;
        plain = p;
      }
    }
    out[i] = i - lastBad >= period ? weighted / divider : NaN;
  }
  return out;
}

/** Linearly weighted moving average (TA-Lib WMA). Warm-up: `period - 1` leading NaNs. */
export function wma(src: Float64Array, period: number): Float64Array {
  return cachedIndicator('wma', [src, period], () => wmaInto(indicatorColumn(src.length), src, period));
}

/**
 * Double EMA (TA-Lib DEMA): 2·EMA(x) − EMA(EMA(x)). Warm-up: `2·(period − 1)` leading NaNs.
 * Allocates one scratch buffer per call.
 */
export function demaInto(out: Float64Array, src: Float64Array, period: number): Float64Array {
  checkInt('period', period);
  checkLengths(src.length, [out], ['out']);
  const e1 = emaInto(new Float64Array(src.length), src, period);
  emaInto(out, e1, period);
  for (let i = 0; i < out.length; i++) out[i] = 2 * e1[i] - out[i];
  return out;
}

/** Double EMA (TA-Lib DEMA). Warm-up: `2·(period − 1)` leading NaNs. */
export function dema(src: Float64Array, period: number): Float64Array {
  return cachedIndicator('dema', [src, period], () => demaInto(indicatorColumn(src.length), src, period));
}

/**
 * Triple EMA (TA-Lib TEMA): 3·E1 − 3·E2 + E3 with E2 = EMA(E1), E3 = EMA(E2).
 * Warm-up: `3·(period − 1)` leading NaNs. Allocates two scratch buffers per call.
 */
export function temaInto(out: Float64Array, src: Float64Array, period: number): Float64Array {
  checkInt('period', period);
  checkLengths(src.length, [out], ['out']);
  const e1 = emaInto(new Float64Array(src.length), src, period);
  const e2 = emaInto(new Float64Array(src.length), e1, period);
  emaInto(out, e2, period);
  for (let i = 0; i < out.length; i++) out[i] = 3 * e1[i] - 3 * e2[i] + out[i];
  return out;
}

/** Triple EMA (TA-Lib TEMA). Warm-up: `3·(period − 1)` leading NaNs. */
export function tema(src: Float64Array, period: number): Float64Array {
  return cachedIndicator('tema', [src, period], () => temaInto(indicatorColumn(src.length), src, period));
}

/**
 * Hull moving average: WMA(2·WMA(x, ⌊period/2⌋) − WMA(x, period), ⌊√period⌋). Not in TA-Lib; this is
 * Alan Hull's definition as TradingView's ta.hma computes it. period >= 2.
 * Warm-up: `period + ⌊√period⌋ − 2` leading NaNs. Allocates two scratch buffers per call.
 */
export function hmaInto(out: Float64Array, src: Float64Array, period: number): Float64Array {
  checkInt('period', period, 2);
  const n = src.length;
  checkLengths(n, [out], ['out']);
  const half = wmaInto(new Float64Array(n), src, Math.floor(period / 2));
  const full = wmaInto(new Float64Array(n), src, period);
  for (let i = 0; i < n; i++) half[i] = 2 * half[i] - full[i];
  return wmaInto(out, half, Math.floor(Math.sqrt(period)));
}

/** Hull moving average. Warm-up: `period + ⌊√period⌋ − 2` leading NaNs. */
export function hma(src: Float64Array, period: number): Float64Array {
  return cachedIndicator('hma', [src, period], () => hmaInto(indicatorColumn(src.length), src, period));
}

/**
 * Kaufman adaptive moving average into `out` (TA-Lib KAMA). Efficiency ratio
 * ER = |x[i] − x[i−period]| / Σ|Δx| over the last `period` changes (1 when that sum is 0),
 * smoothing sc = (ER·(2/(fast+1) − 2/(slow+1)) + 2/(slow+1))², KAMA = KAMA + sc·(x − KAMA), started
 * from x[period − 1]. Warm-up: `period` leading NaNs (first value at index `period`, as TA-Lib).
 */
export function kamaInto(
  out: Float64Array,
  src: Float64Array,
  period = 30,
  fastPeriod = 2,
  slowPeriod = 30,
): Float64Array {
  checkInt('period', period);
  checkInt('fastPeriod', fastPeriod);
  checkInt('slowPeriod', slowPeriod);
  const n = src.length;
  checkLengths(n, [out], ['out']);
  const constMax = 2 / (slowPeriod + 1);
  const constDiff = 2 / (fastPeriod + 1) - constMax;
  let s = 0;
  while (s < n) {
    const v = src[s];
    if (!(v - v === 0)) {
      out[s++] = NaN;
      continue;
    }
    let e = s + 1;
    while (e < n && src[e] - src[e] === 0) e++;
    const first = s + period;
    if (first >= e) {
      fillNaN(out, s, e);
      s = e;
      continue;
    }
    fillNaN(out, s, first);
    let sumRoc = 0;
    for (let j = s + 1; j <= first; j++) sumRoc += Math.abs(src[j] - src[j - 1]);
    let kama = src[first - 1];
    let countdown = period;
    for (let i = first; i < e; i++) {
      if (i > first) {
        sumRoc += Math.abs(src[i] - src[i - 1]) - Math.abs(src[i - period] - src[i - period - 1]);
        if (--countdown === 0) {
          countdown = period;
          let r = 0;
          for (let j = i - period + 1; j <= i; j++) r += Math.abs(src[j] - src[j - 1]);
          sumRoc = r;
        }
      }
      const periodRoc = src[i] - src[i - period];
      // TA-Lib: ER = 1 when the sum of changes is zero or not above the net change.
      const er = sumRoc <= periodRoc || sumRoc === 0 ? 1 : Math.abs(periodRoc / sumRoc);
      let sc = er * constDiff + constMax;
      sc *= sc;
      kama = (src[i] - kama) * sc + kama;
      out[i] = kama;
    }
    s = e;
  }
  return out;
}

/** Kaufman adaptive moving average (TA-Lib KAMA). Warm-up: `period` leading NaNs. */
export function kama(src: Float64Array, period = 30, fastPeriod = 2, slowPeriod = 30): Float64Array {
  return cachedIndicator('kama', [src, period, fastPeriod, slowPeriod], () => kamaInto(indicatorColumn(src.length), src, period, fastPeriod, slowPeriod));
}
