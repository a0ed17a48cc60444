/**
 * Volatility and bands: true range, ATR, Bollinger Bands, Keltner channels, Donchian channels.
 *
 * TA-Lib conventions unless stated. NaN during warm-up; a bar whose inputs are not all finite is a break
 * (NaN there, restart after it). `out` buffers must not alias the inputs.
 */
import { checkInt, checkLengths, checkPositive, fillNaN, highestLowestInto } from './common.js';
import { cachedIndicator, indicatorColumn } from './cache.js';
import { emaInto } from './moving-averages.js';
import { rollingMeanStdInto } from './rolling.js';

/**
 * True range into `out` (TA-Lib TRANGE): max(high − low, |high − prevClose|, |low − prevClose|).
 * Warm-up: 1 leading NaN — TR[0] is NaN as in TA-Lib, since bar 0 has no previous close (likewise the
 * first bar after a missing one).
 */
export function trueRangeInto(out: Float64Array, high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const n = close.length;
  checkLengths(n, [high, low, out], ['high', 'low', 'out']);
  let prevClose = NaN;
  for (let i = 0; i < n; i++) {
    const h = high[i];
    const l = low[i];
    const c = close[i];
    if (!(h - h === 0 && l - l === 0 && c - c === 0)) {
      out[i] = NaN;
      prevClose = NaN;
      continue;
    }
    if (prevClose !== prevClose) {
      out[i] = NaN;
    } else {
      let r = h - l;
      const a = Math.abs(prevClose - h);
      if (a > r) r = a;
      const b = Math.abs(prevClose - l);
      if (b > r) r = b;
      out[i] = r;
    }
    prevClose = c;
  }
  return out;
}

/** True range (TA-Lib TRANGE). Warm-up: 1 leading NaN. */
export function trueRange(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  return cachedIndicator('trueRange', [high, low, close], () => trueRangeInto(indicatorColumn(close.length), high, low, close));
}

/**
 * Average true range into `out` (TA-Lib ATR, Wilder): seeded with the SMA of TR[1..period], then
 * ATR = (ATR·(period−1) + TR) / period. Warm-up: `period` leading NaNs (first value at index `period`).
 */
export function atrInto(
  out: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 14,
): Float64Array {
  checkInt('period', period);
  const n = close.length;
  checkLengths(n, [high, low, out], ['high', 'low', 'out']);
  trueRangeInto(out, high, low, close);
  // Run over the TR series: each run of valid TRs (after its leading NaN) is smoothed independently.
  let i = 0;
  while (i < n) {
    if (out[i] !== out[i]) {
      i++;
      continue;
    }
    let e = i + 1;
    while (e < n && out[e] === out[e]) e++;
    const first = i + period - 1;
    if (first >= e) {
      fillNaN(out, i, e);
      i = e;
      continue;
    }
    let sum = 0;
    for (let j = i; j <= first; j++) sum += out[j];
    fillNaN(out, i, first);
    let prev = sum / period;
    out[first] = prev;
    for (let j = first + 1; j < e; j++) {
      prev = (prev * (period - 1) + out[j]) / period;
      out[j] = prev;
    }
    i = e;
  }
  return out;
}

/** Average true range (TA-Lib ATR, Wilder). Warm-up: `period` leading NaNs. */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Float64Array {
  return cachedIndicator('atr', [high, low, close, period], () => atrInto(indicatorColumn(close.length), high, low, close, period));
}

/** Three bands: upper, middle, lower. */
export interface BandsResult {
  upper: Float64Array;
  middle: Float64Array;
  lower: Float64Array;
}

function allocBands(n: number): BandsResult {
  return { upper: indicatorColumn(n), middle: indicatorColumn(n), lower: indicatorColumn(n) };
}

/**
 * Bollinger Bands into the given buffers: middle = SMA(period), upper/lower = middle ± multiplier · σ with σ
 * the population standard deviation of the window (TA-Lib BBANDS with SMA and equal up/down multipliers).
 * Warm-up: `period − 1` leading NaNs. Defaults 20 / 2 (Bollinger's; TA-Lib's default period is 5).
 */
export function bollingerBandsInto(out: BandsResult, src: Float64Array, period = 20, multiplier = 2): BandsResult {
  checkInt('period', period);
  checkPositive('multiplier', multiplier);
  const n = src.length;
  const { upper, middle, lower } = out;
  checkLengths(n, [upper, middle, lower], ['out.upper', 'out.middle', 'out.lower']);
  rollingMeanStdInto(middle, upper, src, period, 0);
  for (let i = 0; i < n; i++) {
    const w = multiplier * upper[i];
    const m = middle[i];
    upper[i] = m + w;
    lower[i] = m - w;
  }
  return out;
}

/** Bollinger Bands (population σ). Warm-up: `period − 1` leading NaNs. */
export function bollingerBands(src: Float64Array, period = 20, multiplier = 2): BandsResult {
  return cachedIndicator('bollingerBands', [src, period, multiplier], () => bollingerBandsInto(allocBands(src.length), src, period, multiplier));
}

/**
 * Keltner channels into the given buffers: middle = EMA(close, period), bands = middle ± multiplier · ATR(atrPeriod)
 * (Raschke's modern form, TradingView's defaults 20 / 10 / 2; not in TA-Lib). All three outputs start together.
 * Warm-up: `max(period − 1, atrPeriod)` leading NaNs (19 by default).
 */
export function keltnerChannelsInto(
  out: BandsResult,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 20,
  atrPeriod = 10,
  multiplier = 2,
): BandsResult {
  checkInt('period', period);
  checkInt('atrPeriod', atrPeriod);
  checkPositive('multiplier', multiplier);
  const n = close.length;
  const { upper, middle, lower } = out;
  checkLengths(n, [high, low, upper, middle, lower], ['high', 'low', 'out.upper', 'out.middle', 'out.lower']);
  // A bar with a missing high or low breaks the EMA too: feed it close masked by bar validity.
  for (let i = 0; i < n; i++) {
    const h = high[i];
    const l = low[i];
    lower[i] = h - h === 0 && l - l === 0 ? close[i] : NaN;
  }
  emaInto(middle, lower, period);
  atrInto(upper, high, low, close, atrPeriod);
  for (let i = 0; i < n; i++) {
    const w = multiplier * upper[i];
    const m = middle[i];
    if (w === w && m === m) {
      upper[i] = m + w;
      lower[i] = m - w;
    } else {
      upper[i] = NaN;
      middle[i] = NaN;
      lower[i] = NaN;
    }
  }
  return out;
}

/** Keltner channels: EMA(close) ± multiplier·ATR. Warm-up: `max(period − 1, atrPeriod)` leading NaNs. */
export function keltnerChannels(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 20,
  atrPeriod = 10,
  multiplier = 2,
): BandsResult {
  return cachedIndicator('keltnerChannels', [high, low, close, period, atrPeriod, multiplier], () =>
    keltnerChannelsInto(allocBands(close.length), high, low, close, period, atrPeriod, multiplier));
}

/**
 * Donchian channels into the given buffers: upper = highest high, lower = lowest low over the last `period`
 * bars including the current one, middle = their average. Warm-up: `period − 1` leading NaNs.
 */
export function donchianChannelsInto(out: BandsResult, high: Float64Array, low: Float64Array, period = 20): BandsResult {
  checkInt('period', period);
  const n = high.length;
  const { upper, middle, lower } = out;
  checkLengths(n, [low, upper, middle, lower], ['low', 'out.upper', 'out.middle', 'out.lower']);
  highestLowestInto(upper, lower, high, low, null, period);
  for (let i = 0; i < n; i++) middle[i] = (upper[i] + lower[i]) / 2;
  return out;
}

/** Donchian channels (current bar included). Warm-up: `period − 1` leading NaNs. */
export function donchianChannels(high: Float64Array, low: Float64Array, period = 20): BandsResult {
  return cachedIndicator('donchianChannels', [high, low, period], () => donchianChannelsInto(allocBands(high.length), high, low, period));
}
