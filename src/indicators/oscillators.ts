/**
 * Oscillators and momentum: RSI, MACD, Stochastic, Williams %R, CCI, ROC, momentum.
 *
 * TA-Lib conventions unless stated (docs/indicators.md lists every difference). NaN during warm-up; a
 * missing input (NaN or ±Infinity in any input the indicator reads) is a break: NaN there, and the
 * indicator restarts on the next bar as if the series began there. `out` must not alias an input.
 */
import { checkInt, checkLengths, fillNaN, highestLowestInto } from './common.js';
import { cachedIndicator, indicatorColumn } from './cache.js';
import { smaInto } from './moving-averages.js';

/**
 * Relative strength index into `out` (TA-Lib RSI, Wilder): average gain and loss seeded with the simple
 * averages of the first `period` changes, then avg = (avg·(period−1) + x) / period;
 * RSI = 100·gain / (gain + loss), and 0 when both are 0 (TA-Lib). Warm-up: `period` leading NaNs.
 */
export function rsiInto(out: Float64Array, src: Float64Array, period = 14): Float64Array {
  checkInt('period', period);
  const n = src.length;
  checkLengths(n, [out], ['out']);
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
    let gain = 0;
    let loss = 0;
    for (let i = s + 1; i <= first; i++) {
      const d = src[i] - src[i - 1];
      if (d < 0) loss -= d;
      else gain += d;
    }
    gain /= period;
    loss /= period;
    let t = gain + loss;
    out[first] = t !== 0 ? 100 * (gain / t) : 0;
    for (let i = first + 1; i < e; i++) {
      const d = src[i] - src[i - 1];
      loss *= period - 1;
      gain *= period - 1;
      if (d < 0) loss -= d;
      else gain += d;
      loss /= period;
      gain /= period;
      t = gain + loss;
      out[i] = t !== 0 ? 100 * (gain / t) : 0;
    }
    s = e;
  }
  return out;
}

/** Relative strength index (TA-Lib RSI, Wilder smoothing). Warm-up: `period` leading NaNs. */
export function rsi(src: Float64Array, period = 14): Float64Array {
  return cachedIndicator('rsi', [src, period], () => rsiInto(indicatorColumn(src.length), src, period));
}

/** MACD outputs: the MACD line, its signal EMA and the histogram (macd − signal). */
export interface MacdResult {
  macd: Float64Array;
  signal: Float64Array;
  histogram: Float64Array;
}

/**
 * MACD into the given buffers with TA-Lib's alignment: both EMAs start at index `slowPeriod − 1` (the fast
 * EMA is seeded with the SMA of the `fastPeriod` values ending there, not at the series start), the signal
 * EMA is seeded with the SMA of the first `signalPeriod` MACD values, and all three outputs begin together.
 * Warm-up: `slowPeriod + signalPeriod − 2` leading NaNs in every output (33 for 12/26/9).
 */
export function macdInto(
  out: MacdResult,
  src: Float64Array,
  fastPeriod = 12,
  slowPeriod = 26,
  signalPeriod = 9,
): MacdResult {
  checkInt('fastPeriod', fastPeriod);
  checkInt('slowPeriod', slowPeriod);
  checkInt('signalPeriod', signalPeriod);
  if (fastPeriod >= slowPeriod) {
    throw new RangeError(`fastPeriod must be below slowPeriod; got fastPeriod ${fastPeriod} and slowPeriod ${slowPeriod}.`);
  }
  const n = src.length;
  const { macd: m, signal: sg, histogram: h } = out;
  checkLengths(n, [m, sg, h], ['out.macd', 'out.signal', 'out.histogram']);
  const kf = 2 / (fastPeriod + 1);
  const ks = 2 / (slowPeriod + 1);
  const kg = 2 / (signalPeriod + 1);
  let s = 0;
  while (s < n) {
    const v = src[s];
    if (!(v - v === 0)) {
      m[s] = NaN;
      sg[s] = NaN;
      h[s] = NaN;
      s++;
      continue;
    }
    let e = s + 1;
    while (e < n && src[e] - src[e] === 0) e++;
    const start = s + slowPeriod - 1;
    const first = start + signalPeriod - 1;
    if (first >= e) {
      fillNaN(m, s, e);
      fillNaN(sg, s, e);
      fillNaN(h, s, e);
      s = e;
      continue;
    }
    let sumSlow = 0;
    for (let i = s; i <= start; i++) sumSlow += src[i];
    let es = sumSlow / slowPeriod;
    let sumFast = 0;
    for (let i = start - fastPeriod + 1; i <= start; i++) sumFast += src[i];
    let ef = sumFast / fastPeriod;
    m[start] = ef - es;
    for (let i = start + 1; i <= first; i++) {
      ef = (src[i] - ef) * kf + ef;
      es = (src[i] - es) * ks + es;
      m[i] = ef - es;
    }
    let sumSig = 0;
    for (let i = start; i <= first; i++) sumSig += m[i];
    let g = sumSig / signalPeriod;
    fillNaN(m, s, first);
    fillNaN(sg, s, first);
    fillNaN(h, s, first);
    sg[first] = g;
    h[first] = m[first] - g;
    for (let i = first + 1; i < e; i++) {
      ef = (src[i] - ef) * kf + ef;
      es = (src[i] - es) * ks + es;
      const mv = ef - es;
      g = (mv - g) * kg + g;
      m[i] = mv;
      sg[i] = g;
      h[i] = mv - g;
    }
    s = e;
  }
  return out;
}

/** MACD (TA-Lib alignment). Warm-up: `slowPeriod + signalPeriod − 2` leading NaNs in every output. */
export function macd(src: Float64Array, fastPeriod = 12, slowPeriod = 26, signalPeriod = 9): MacdResult {
  const n = src.length;
  return cachedIndicator('macd', [src, fastPeriod, slowPeriod, signalPeriod], () =>
    macdInto(
      { macd: indicatorColumn(n), signal: indicatorColumn(n), histogram: indicatorColumn(n) },
      src,
      fastPeriod,
      slowPeriod,
      signalPeriod,
    ),
  );
}

/** Stochastic oscillator outputs: slow %K and %D. */
export interface StochasticResult {
  k: Float64Array;
  d: Float64Array;
}

/**
 * Stochastic oscillator into the given buffers (TA-Lib STOCH with SMA smoothing):
 * fast %K = 100·(close − LL) / (HH − LL) over `fastKPeriod` bars (0 when HH = LL, as TA-Lib),
 * %K = SMA(fast %K, slowKPeriod), %D = SMA(%K, slowDPeriod). Both outputs start together (TA-Lib).
 * Warm-up: `fastKPeriod + slowKPeriod + slowDPeriod − 3` leading NaNs (17 for 14/3/3).
 */
export function stochasticInto(
  out: StochasticResult,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  fastKPeriod = 14,
  slowKPeriod = 3,
  slowDPeriod = 3,
): StochasticResult {
  checkInt('fastKPeriod', fastKPeriod);
  checkInt('slowKPeriod', slowKPeriod);
  checkInt('slowDPeriod', slowDPeriod);
  const n = close.length;
  const { k, d } = out;
  checkLengths(n, [high, low, k, d], ['high', 'low', 'out.k', 'out.d']);
  // k holds HH and d holds LL, then d becomes fast %K in place; no scratch buffer.
  highestLowestInto(k, d, high, low, close, fastKPeriod);
  for (let i = 0; i < n; i++) {
    const ll = d[i];
    const diff = (k[i] - ll) / 100;
    d[i] = diff !== 0 ? (close[i] - ll) / diff : ll === ll ? 0 : NaN;
  }
  smaInto(k, d, slowKPeriod);
  smaInto(d, k, slowDPeriod);
  for (let i = 0; i < n; i++) if (d[i] !== d[i]) k[i] = NaN;
  return out;
}

/** Stochastic oscillator (TA-Lib STOCH, SMA). Warm-up: `fastKPeriod + slowKPeriod + slowDPeriod − 3`. */
export function stochastic(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  fastKPeriod = 14,
  slowKPeriod = 3,
  slowDPeriod = 3,
): StochasticResult {
  const n = close.length;
  return cachedIndicator('stochastic', [high, low, close, fastKPeriod, slowKPeriod, slowDPeriod], () =>
    stochasticInto({ k: indicatorColumn(n), d: indicatorColumn(n) }, high, low, close, fastKPeriod, slowKPeriod, slowDPeriod));
}

/**
 * Williams %R into `out` (TA-Lib WILLR): −100·(HH − close) / (HH − LL) over `period` bars, in [−100, 0];
 * 0 when HH = LL (TA-Lib). Warm-up: `period − 1` leading NaNs. Allocates one scratch buffer per call.
 */
export function williamsRInto(
  out: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 14,
): Float64Array {
  checkInt('period', period);
  const n = close.length;
  checkLengths(n, [high, low, out], ['high', 'low', 'out']);
  const ll = new Float64Array(n);
  highestLowestInto(out, ll, high, low, close, period);
  for (let i = 0; i < n; i++) {
    const hh = out[i];
    const diff = (hh - ll[i]) / -100;
    out[i] = diff !== 0 ? (hh - close[i]) / diff : hh === hh ? 0 : NaN;
  }
  return out;
}

/** Williams %R (TA-Lib WILLR). Warm-up: `period − 1` leading NaNs. */
export function williamsR(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  return cachedIndicator('williamsR', [high, low, close, period], () => williamsRInto(indicatorColumn(close.length), high, low, close, period));
}

/**
 * Commodity channel index into `out` (TA-Lib CCI): tp = (high + low + close) / 3,
 * CCI = (tp − SMA(tp)) / (0.015 · mean absolute deviation of tp from that SMA), over `period` bars;
 * 0 when the deviation is 0 (TA-Lib). Warm-up: `period − 1` leading NaNs. O(n·period).
 */
export function cciInto(
  out: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 14,
): Float64Array {
  checkInt('period', period);
  const n = close.length;
  checkLengths(n, [high, low, out], ['high', 'low', 'out']);
  if (period > n) {
    out.fill(NaN);
    return out;
  }
  const ring = new Float64Array(period);
  let lastBad = -1;
  for (let i = 0; i < n; i++) {
    const tp = (high[i] + low[i] + close[i]) / 3;
    if (!(tp - tp === 0)) lastBad = i;
    ring[i % period] = tp;
    if (i - lastBad < period) {
      out[i] = NaN;
      continue;
    }
    let sum = 0;
    for (let j = 0; j < period; j++) sum += ring[j];
    const mean = sum / period;
    let dev = 0;
    for (let j = 0; j < period; j++) dev += Math.abs(ring[j] - mean);
    const num = tp - mean;
    out[i] = num !== 0 && dev !== 0 ? num / (0.015 * (dev / period)) : 0;
  }
  return out;
}

/** Commodity channel index (TA-Lib CCI). Warm-up: `period − 1` leading NaNs. */
export function cci(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  return cachedIndicator('cci', [high, low, close, period], () => cciInto(indicatorColumn(close.length), high, low, close, period));
}

/**
 * Rate of change in percent into `out` (TA-Lib ROC): 100·(x[i] / x[i−period] − 1); 0 when x[i−period] is 0
 * (TA-Lib). Warm-up: `period` leading NaNs.
 */
export function rocInto(out: Float64Array, src: Float64Array, period = 10): Float64Array {
  checkInt('period', period);
  const n = src.length;
  checkLengths(n, [out], ['out']);
  let lastBad = -1;
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (!(v - v === 0)) lastBad = i;
    if (i - lastBad > period) {
      const prev = src[i - period];
      out[i] = prev !== 0 ? (v / prev - 1) * 100 : 0;
    } else {
      out[i] = NaN;
    }
  }
  return out;
}

/** Rate of change in percent (TA-Lib ROC). Warm-up: `period` leading NaNs. */
export function roc(src: Float64Array, period = 10): Float64Array {
  return cachedIndicator('roc', [src, period], () => rocInto(indicatorColumn(src.length), src, period));
}

/** Momentum into `out` (TA-Lib MOM): x[i] − x[i−period]. Warm-up: `period` leading NaNs. */
export function momentumInto(out: Float64Array, src: Float64Array, period = 10): Float64Array {
  checkInt('period', period);
  const n = src.length;
  checkLengths(n, [out], ['out']);
  let lastBad = -1;
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (!(v - v === 0)) lastBad = i;
    out[i] = i - lastBad > period ? v - src[i - period] : NaN;
  }
  return out;
}

/** Momentum (TA-Lib MOM): x[i] − x[i−period]. Warm-up: `period` leading NaNs. */
export function momentum(src: Float64Array, period = 10): Float64Array {
  return cachedIndicator('momentum', [src, period], () => momentumInto(indicatorColumn(src.length), src, period));
}
