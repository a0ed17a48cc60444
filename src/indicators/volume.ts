/**
 * Volume indicators: on-balance volume, money flow index, rolling VWAP.
 *
 * A bar whose inputs are not all finite is a break (NaN there, restart after it as if the series began on
 * the next bar). Output buffers must not alias the inputs.
 */
import { checkInt, checkLengths, fillNaN } from './common.js';
import { cachedIndicator, indicatorColumn } from './cache.js';

/**
 * On-balance volume into `out` (TA-Lib OBV): starts at the first bar's volume, then adds the volume when the
 * close rises, subtracts it when the close falls, and carries it when unchanged. Warm-up: none (0 NaNs).
 * After a missing close or volume it restarts from that next bar's volume.
 */
export function obvInto(out: Float64Array, close: Float64Array, volume: Float64Array): Float64Array {
  const n = close.length;
  checkLengths(n, [volume, out], ['volume', 'out']);
  let started = false;
  let prevClose = 0;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const c = close[i];
    const v = volume[i];
    if (!(c - c === 0 && v - v === 0)) {
      out[i] = NaN;
      started = false;
      continue;
    }
    if (!started) {
      started = true;
      acc = v;
    } else if (c > prevClose) {
      acc += v;
    } else if (c < prevClose) {
      acc -= v;
    }
    prevClose = c;
    out[i] = acc;
  }
  return out;
}

/** On-balance volume (TA-Lib OBV, starting at volume[0]). Warm-up: none. */
export function obv(close: Float64Array, volume: Float64Array): Float64Array {
  return cachedIndicator('obv', [close, volume], () => obvInto(indicatorColumn(close.length), close, volume));
}

/**
 * Money flow index into `out` (TA-Lib MFI): tp = (high + low + close) / 3, raw flow tp·volume counted as
 * positive when tp rises and negative when it falls (neither when unchanged), over the last `period` changes;
 * MFI = 100·pos / (pos + neg), and 0 when pos + neg is 0 (TA-Lib uses "< 1" there; see docs).
 * Warm-up: `period` leading NaNs.
 */
export function mfiInto(
  out: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period = 14,
): Float64Array {
  checkInt('period', period);
  const n = close.length;
  checkLengths(n, [high, low, volume, out], ['high', 'low', 'volume', 'out']);
  let s = 0;
  while (s < n) {
    let tpPrev = (high[s] + low[s] + close[s]) / 3;
    if (!(tpPrev - tpPrev === 0 && volume[s] - volume[s] === 0)) {
      out[s++] = NaN;
      continue;
    }
    let e = s + 1;
    while (e < n) {
      const t = (high[e] + low[e] + close[e]) / 3;
      if (!(t - t === 0 && volume[e] - volume[e] === 0)) break;
      e++;
    }
    const first = s + period;
    if (first >= e) {
      fillNaN(out, s, e);
      s = e;
      continue;
    }
    fillNaN(out, s, first);
    let pos = 0;
    let neg = 0;
    // Counts of non-zero flows in the window, so a window without flow on one side is exactly 0 there
    // (a running sum would keep rounding residue after the last flow leaves).
    let posCount = 0;
    let negCount = 0;
    let countdown = period;
    for (let i = s + 1; i < e; i++) {
      const tp = (high[i] + low[i] + close[i]) / 3;
      const flow = tp * volume[i];
      if (flow !== 0) {
        if (tp > tpPrev) {
          pos += flow;
          posCount++;
        } else if (tp < tpPrev) {
          neg += flow;
          negCount++;
        }
      }
      tpPrev = tp;
      if (i > first) {
        // Remove the flow that left the window (bar i - period against its previous bar).
        const j = i - period;
        const tj = (high[j] + low[j] + close[j]) / 3;
        const tk = (high[j - 1] + low[j - 1] + close[j - 1]) / 3;
        const fj = tj * volume[j];
        if (fj !== 0) {
          if (tj > tk) {
            pos -= fj;
            posCount--;
          } else if (tj < tk) {
            neg -= fj;
            negCount--;
          }
        }
        if (--countdown === 0) {
          countdown = period;
          pos = 0;
          neg = 0;
          let prev = (high[i - period] + low[i - period] + close[i - period]) / 3;
          for (let m = i - period + 1; m <= i; m++) {
            const t = (high[m] + low[m] + close[m]) / 3;
            if (t > prev) pos += t * volume[m];
            else if (t < prev) neg += t * volume[m];
            prev = t;
          }
        }
      }
      if (i >= first) {
        if (posCount === 0) pos = 0;
        if (negCount === 0) neg = 0;
        const total = pos + neg;
        out[i] = total !== 0 ? 100 * (pos / total) : 0;
      }
    }
    s = e;
  }
  return out;
}

/** Money flow index (TA-Lib MFI). Warm-up: `period` leading NaNs. */
export function mfi(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period = 14,
): Float64Array {
  return cachedIndicator('mfi', [high, low, close, volume, period], () => mfiInto(indicatorColumn(close.length), high, low, close, volume, period));
}

/**
 * Rolling VWAP into `out` over the last `window` bars: Σ(tp·volume) / Σvolume with tp = (high + low + close) / 3;
 * NaN when the window's volume is 0. Warm-up: `window − 1` leading NaNs. O(n): running sums re-summed exactly
 * every `window` bars.
 */
export function rollingVwapInto(
  out: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  window: number,
): Float64Array {
  checkInt('window', window);
  const n = close.length;
  checkLengths(n, [high, low, volume, out], ['high', 'low', 'volume', 'out']);
  if (window > n) {
    out.fill(NaN);
    return out;
  }
  let pv = 0;
  let vol = 0;
  let nonZero = 0; // bars in the window with volume != 0, so a zero-volume window is exactly NaN
  let lastBad = -1;
  let countdown = window;
  for (let i = 0; i < n; i++) {
    const v = volume[i];
    const x = ((high[i] + low[i] + close[i]) / 3) * v;
    if (x - x === 0) {
      pv += x;
      vol += v;
      if (v !== 0) nonZero++;
    } else {
      lastBad = i;
    }
    if (i >= window) {
      const j = i - window;
      const vj = volume[j];
      const xj = ((high[j] + low[j] + close[j]) / 3) * vj;
      if (xj - xj === 0) {
        pv -= xj;
        vol -= vj;
        if (vj !== 0) nonZero--;
      }
      if (--countdown === 0) {
        countdown = window;
        pv = 0;
        vol = 0;
        for (let m = i - window + 1; m <= i; m++) {
          const vm = volume[m];
          const xm = ((high[m] + low[m] + close[m]) / 3) * vm;
          if (xm - xm === 0) {
            pv += xm;
            vol += vm;
          }
        }
      }
    }
    out[i] = i - lastBad >= window && nonZero > 0 ? pv / vol : NaN;
  }
  return out;
}

/** Rolling VWAP over `window` bars (typical price). Warm-up: `window − 1` leading NaNs. */
export function rollingVwap(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  window: number,
): Float64Array {
  return cachedIndicator('rollingVwap', [high, low, close, volume, window], () =>
    rollingVwapInto(indicatorColumn(close.length), high, low, close, volume, window));
}
