/**
 * Trend indicators: ADX with +DI/−DI, Aroon, Parabolic SAR, Ichimoku, SuperTrend.
 *
 * TA-Lib conventions unless stated. NaN during warm-up; a bar whose inputs are not all finite is a break
 * (NaN there, restart after it as if the series began on the next bar). Output buffers must not alias inputs.
 */
import { checkInt, checkLengths, checkPositive, fillNaN, highestLowestInto, IndexDeque } from './common.js';
import { cachedIndicator, indicatorColumn } from './cache.js';
import { atrInto } from './volatility.js';

/** ADX outputs. */
export interface AdxResult {
  adx: Float64Array;
  plusDi: Float64Array;
  minusDi: Float64Array;
}

/**
 * Average directional index with +DI and −DI into the given buffers (TA-Lib ADX, PLUS_DI, MINUS_DI, Wilder).
 * +DM/−DM/TR are Wilder sums started from the plain sum of the first `period − 1` values, DI = 100·DM/TR,
 * DX = 100·|+DI − −DI| / (+DI + −DI), first ADX = mean of the first `period` DX, then Wilder smoothing.
 * Warm-up: `period` leading NaNs for ±DI and `2·period − 1` for ADX (TA-Lib's lookbacks).
 */
export function adxInto(
  out: AdxResult,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 14,
): AdxResult {
  checkInt('period', period);
  const n = close.length;
  const { adx, plusDi, minusDi } = out;
  checkLengths(n, [high, low, adx, plusDi, minusDi], ['high', 'low', 'out.adx', 'out.plusDi', 'out.minusDi']);
  let s = 0;
  while (s < n) {
    if (!(high[s] - high[s] === 0 && low[s] - low[s] === 0 && close[s] - close[s] === 0)) {
      adx[s] = NaN;
      plusDi[s] = NaN;
      minusDi[s] = NaN;
      s++;
      continue;
    }
    let e = s + 1;
    while (e < n && high[e] - high[e] === 0 && low[e] - low[e] === 0 && close[e] - close[e] === 0) e++;
    const diStart = s + period;
    const adxStart = s + 2 * period - 1;
    fillNaN(adx, s, Math.min(adxStart, e));
    fillNaN(plusDi, s, Math.min(diStart, e));
    fillNaN(minusDi, s, Math.min(diStart, e));
    let prevHigh = high[s];
    let prevLow = low[s];
    let prevClose = close[s];
    let pdm = 0;
    let mdm = 0;
    let tr = 0;
    let sumDx = 0;
    let adxValue = 0;
    for (let i = s + 1; i < e; i++) {
      const h = high[i];
      const l = low[i];
      const diffP = h - prevHigh;
      const diffM = prevLow - l;
      let range = h - l;
      const a = Math.abs(h - prevClose);
      if (a > range) range = a;
      const b = Math.abs(l - prevClose);
      if (b > range) range = b;
      prevHigh = h;
      prevLow = l;
      prevClose = close[i];
      if (i < diStart) {
        if (diffM > 0 && diffP < diffM) mdm += diffM;
        else if (diffP > 0 && diffP > diffM) pdm += diffP;
        tr += range;
        continue;
      }
      mdm -= mdm / period;
      pdm -= pdm / period;
      if (diffM > 0 && diffP < diffM) mdm += diffM;
      else if (diffP > 0 && diffP > diffM) pdm += diffP;
      tr = tr - tr / period + range;
      let dx = NaN;
      if (tr !== 0) {
        const minus = 100 * (mdm / tr);
        const plus = 100 * (pdm / tr);
        plusDi[i] = plus;
        minusDi[i] = minus;
        const sum = minus + plus;
        if (sum !== 0) dx = 100 * (Math.abs(minus - plus) / sum);
      } else {
        plusDi[i] = 0;
        minusDi[i] = 0;
      }
      // TA-Lib: an undefined DX counts as 0 in the first average and leaves ADX unchanged afterwards.
      if (i < adxStart) {
        if (dx === dx) sumDx += dx;
      } else if (i === adxStart) {
        if (dx === dx) sumDx += dx;
        adxValue = sumDx / period;
        adx[i] = adxValue;
      } else {
        if (dx === dx) adxValue = (adxValue * (period - 1) + dx) / period;
        adx[i] = adxValue;
      }
    }
    s = e;
  }
  return out;
}

/** ADX with +DI/−DI (TA-Lib). Warm-up: `period` NaNs for ±DI, `2·period − 1` for ADX. */
export function adx(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): AdxResult {
  const n = close.length;
  return cachedIndicator('adx', [high, low, close, period], () =>
    adxInto(
      { adx: indicatorColumn(n), plusDi: indicatorColumn(n), minusDi: indicatorColumn(n) },
      high,
      low,
      close,
      period,
    ),
  );
}

/** Aroon outputs. */
export interface AroonResult {
  up: Float64Array;
  down: Float64Array;
  oscillator: Float64Array;
}

/**
 * Aroon up/down/oscillator into the given buffers (TA-Lib AROON, AROONOSC): over the last `period + 1` bars,
 * up = 100·(period − bars since the highest high) / period, down likewise with the lowest low (ties go to
 * the most recent bar, as TA-Lib), oscillator = up − down. Warm-up: `period` leading NaNs.
 */
export function aroonInto(out: AroonResult, high: Float64Array, low: Float64Array, period = 14): AroonResult {
  checkInt('period', period);
  const n = high.length;
  const { up, down, oscillator } = out;
  checkLengths(n, [low, up, down, oscillator], ['low', 'out.up', 'out.down', 'out.oscillator']);
  const span = period + 1;
  const maxQ = new IndexDeque(span + 1);
  const minQ = new IndexDeque(span + 1);
  const factor = 100 / period;
  let lastBad = -1;
  for (let i = 0; i < n; i++) {
    const h = high[i];
    const l = low[i];
    if (h - h === 0 && l - l === 0) {
      while (maxQ.size > 0 && high[maxQ.back()] <= h) maxQ.popBack();
      maxQ.pushBack(i);
      while (minQ.size > 0 && low[minQ.back()] >= l) minQ.popBack();
      minQ.pushBack(i);
    } else {
      lastBad = i;
    }
    while (maxQ.size > 0 && maxQ.front() <= i - span) maxQ.popFront();
    while (minQ.size > 0 && minQ.front() <= i - span) minQ.popFront();
    if (i - lastBad >= span) {
      const hi = maxQ.front();
      const lo = minQ.front();
      up[i] = factor * (period - (i - hi));
      down[i] = factor * (period - (i - lo));
      oscillator[i] = factor * (hi - lo);
    } else {
      up[i] = NaN;
      down[i] = NaN;
      oscillator[i] = NaN;
    }
  }
  return out;
}

/** Aroon (TA-Lib AROON and AROONOSC). Warm-up: `period` leading NaNs. */
export function aroon(high: Float64Array, low: Float64Array, period = 14): AroonResult {
  const n = high.length;
  return cachedIndicator('aroon', [high, low, period], () =>
    aroonInto({ up: indicatorColumn(n), down: indicatorColumn(n), oscillator: indicatorColumn(n) }, high, low, period));
}

/**
 * Parabolic SAR into `out` (TA-Lib SAR): initial direction from bar 1's −DM (short if −DM > 0), initial SAR
 * the previous bar's low (long) or high (short), acceleration factor += `acceleration` on each new extreme up
 * to `maximum`, SAR kept outside the last two bars' range, reversal to the extreme point on penetration.
 * Warm-up: 1 leading NaN.
 */
export function parabolicSarInto(
  out: Float64Array,
  high: Float64Array,
  low: Float64Array,
  acceleration = 0.02,
  maximum = 0.2,
): Float64Array {
  checkPositive('acceleration', acceleration);
  checkPositive('maximum', maximum);
  if (acceleration > maximum) {
    throw new RangeError(`acceleration must not exceed maximum; got acceleration ${acceleration} and maximum ${maximum}.`);
  }
  const n = high.length;
  checkLengths(n, [low, out], ['low', 'out']);
  let s = 0;
  while (s < n) {
    if (!(high[s] - high[s] === 0 && low[s] - low[s] === 0)) {
      out[s++] = NaN;
      continue;
    }
    let e = s + 1;
    while (e < n && high[e] - high[e] === 0 && low[e] - low[e] === 0) e++;
    out[s] = NaN;
    if (e - s < 2) {
      s = e;
      continue;
    }
    const diffP = high[s + 1] - high[s];
    const diffM = low[s] - low[s + 1];
    const minusDm = diffM > 0 && diffP < diffM ? diffM : 0;
    let isLong = !(minusDm > 0);
    let af = acceleration;
    let ep: number;
    let sar: number;
    if (isLong) {
      ep = high[s + 1];
      sar = low[s];
    } else {
      ep = low[s + 1];
      sar = high[s];
    }
    let newLow = low[s + 1];
    let newHigh = high[s + 1];
    for (let i = s + 1; i < e; i++) {
      const prevLow = newLow;
      const prevHigh = newHigh;
      newLow = low[i];
      newHigh = high[i];
      if (isLong) {
        if (newLow <= sar) {
          isLong = false;
          sar = ep;
          if (sar < prevHigh) sar = prevHigh;
          if (sar < newHigh) sar = newHigh;
          out[i] = sar;
          af = acceleration;
          ep = newLow;
          sar = sar + af * (ep - sar);
          if (sar < prevHigh) sar = prevHigh;
          if (sar < newHigh) sar = newHigh;
        } else {
          out[i] = sar;
          if (newHigh > ep) {
            ep = newHigh;
            af += acceleration;
            if (af > maximum) af = maximum;
          }
          sar = sar + af * (ep - sar);
          if (sar > prevLow) sar = prevLow;
          if (sar > newLow) sar = newLow;
        }
      } else if (newHigh >= sar) {
        isLong = true;
        sar = ep;
        if (sar > prevLow) sar = prevLow;
        if (sar > newLow) sar = newLow;
        out[i] = sar;
        af = acceleration;
        ep = newHigh;
        sar = sar + af * (ep - sar);
        if (sar > prevLow) sar = prevLow;
        if (sar > newLow) sar = newLow;
      } else {
        out[i] = sar;
        if (newLow < ep) {
          ep = newLow;
          af += acceleration;
          if (af > maximum) af = maximum;
        }
        sar = sar + af * (ep - sar);
        if (sar < prevHigh) sar = prevHigh;
        if (sar < newHigh) sar = newHigh;
      }
    }
    s = e;
  }
  return out;
}

/** Parabolic SAR (TA-Lib SAR, 0.02 / 0.2). Warm-up: 1 leading NaN. */
export function parabolicSar(high: Float64Array, low: Float64Array, acceleration = 0.02, maximum = 0.2): Float64Array {
  return cachedIndicator('parabolicSar', [high, low, acceleration, maximum], () =>
    parabolicSarInto(indicatorColumn(high.length), high, low, acceleration, maximum));
}

/** Ichimoku lines, each as of the bar it is computed on (no forward shift). */
export interface IchimokuResult {
  tenkan: Float64Array;
  kijun: Float64Array;
  senkouA: Float64Array;
  senkouB: Float64Array;
}

/**
 * Ichimoku into the given buffers: tenkan = midpoint of the `conversionPeriod` high/low range, kijun = midpoint
 * over `basePeriod`, senkouA = (tenkan + kijun) / 2, senkouB = midpoint over `spanPeriod`. Senkou A/B are
 * NOT shifted forward: value i uses bars up to i only; chart software plots them `basePeriod − 1` bars
 * ahead — shift them yourself for display, never for signals. Chikou (close shifted back) is omitted: it
 * is look-ahead by construction.
 * Warm-up: tenkan `conversionPeriod − 1`, kijun `basePeriod − 1`, senkouA `max(conversion, base) − 1`,
 * senkouB `spanPeriod − 1` leading NaNs (8 / 25 / 25 / 51 for 9/26/52).
 */
export function ichimokuInto(
  out: IchimokuResult,
  high: Float64Array,
  low: Float64Array,
  conversionPeriod = 9,
  basePeriod = 26,
  spanPeriod = 52,
): IchimokuResult {
  checkInt('conversionPeriod', conversionPeriod);
  checkInt('basePeriod', basePeriod);
  checkInt('spanPeriod', spanPeriod);
  const n = high.length;
  const { tenkan, kijun, senkouA, senkouB } = out;
  checkLengths(n, [low, tenkan, kijun, senkouA, senkouB], ['low', 'out.tenkan', 'out.kijun', 'out.senkouA', 'out.senkouB']);
  // senkouA serves as the scratch buffer for lowest lows until it is filled last.
  highestLowestInto(senkouB, senkouA, high, low, null, spanPeriod);
  for (let i = 0; i < n; i++) senkouB[i] = (senkouB[i] + senkouA[i]) / 2;
  highestLowestInto(tenkan, senkouA, high, low, null, conversionPeriod);
  for (let i = 0; i < n; i++) tenkan[i] = (tenkan[i] + senkouA[i]) / 2;
  highestLowestInto(kijun, senkouA, high, low, null, basePeriod);
  for (let i = 0; i < n; i++) kijun[i] = (kijun[i] + senkouA[i]) / 2;
  for (let i = 0; i < n; i++) senkouA[i] = (tenkan[i] + kijun[i]) / 2;
  return out;
}

/** Ichimoku (9/26/52), unshifted. Warm-up: 8 / 25 / 25 / 51 leading NaNs by default. */
export function ichimoku(
  high: Float64Array,
  low: Float64Array,
  conversionPeriod = 9,
  basePeriod = 26,
  spanPeriod = 52,
): IchimokuResult {
  const n = high.length;
  return cachedIndicator('ichimoku', [high, low, conversionPeriod, basePeriod, spanPeriod], () =>
    ichimokuInto(
      { tenkan: indicatorColumn(n), kijun: indicatorColumn(n), senkouA: indicatorColumn(n), senkouB: indicatorColumn(n) },
      high,
      low,
      conversionPeriod,
      basePeriod,
      spanPeriod,
    ),
  );
}

/** SuperTrend outputs: the trailing line and the direction (+1 up: line below price; −1 down). */
export interface SuperTrendResult {
  line: Float64Array;
  direction: Float64Array;
}

/**
 * SuperTrend into the given buffers (TradingView's ta.supertrend algorithm on hl2 ± multiplier·ATR, with the
 * TA-Lib ATR above): the lower band only rises and the upper band only falls while price stays on their side;
 * direction turns up when close exceeds the upper band and down when it falls below the lower band; the
 * first value starts down (as TradingView). Direction is +1 for up (line = lower band) and −1 for down —
 * the opposite sign of TradingView's own output. Warm-up: `period` leading NaNs in both outputs.
 */
export function superTrendInto(
  out: SuperTrendResult,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 10,
  multiplier = 3,
): SuperTrendResult {
  checkInt('period', period);
  checkPositive('multiplier', multiplier);
  const n = close.length;
  const { line, direction } = out;
  checkLengths(n, [high, low, line, direction], ['high', 'low', 'out.line', 'out.direction']);
  atrInto(line, high, low, close, period);
  let started = false;
  let upper = 0;
  let lower = 0;
  let dir = -1;
  for (let i = 0; i < n; i++) {
    const a = line[i];
    if (a !== a) {
      started = false;
      direction[i] = NaN;
      continue;
    }
    const mid = (high[i] + low[i]) / 2;
    const basicUpper = mid + multiplier * a;
    const basicLower = mid - multiplier * a;
    const c = close[i];
    if (!started) {
      started = true;
      upper = basicUpper;
      lower = basicLower;
      dir = -1;
    } else {
      const prevClose = close[i - 1];
      lower = basicLower > lower || prevClose < lower ? basicLower : lower;
      upper = basicUpper < upper || prevClose > upper ? basicUpper : upper;
      if (dir === -1) dir = c > upper ? 1 : -1;
      else dir = c < lower ? -1 : 1;
    }
    line[i] = dir === 1 ? lower : upper;
    direction[i] = dir;
  }
  return out;
}

/** SuperTrend (ATR 10, multiplier 3). Warm-up: `period` leading NaNs. */
export function superTrend(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 10,
  multiplier = 3,
): SuperTrendResult {
  const n = close.length;
  return cachedIndicator('superTrend', [high, low, close, period, multiplier], () =>
    superTrendInto({ line: indicatorColumn(n), direction: indicatorColumn(n) }, high, low, close, period, multiplier));
}
