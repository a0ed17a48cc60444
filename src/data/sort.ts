import { allocateBars, type Bars } from './bars.js';

/** True when time is strictly increasing (sorted, no duplicates). */
export function isStrictlyIncreasing(time: Float64Array): boolean {
  for (let i = 1; i < time.length; i++) if (!(time[i] > time[i - 1])) return false;
  return true;
}

/** The permutation that sorts bars by time; stable, so equal times keep file order. */
export function timeOrder(time: Float64Array): Uint32Array {
  const order = new Uint32Array(time.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  let sorted = true;
  for (let i = 1; i < time.length; i++) if (time[i] < time[i - 1]) { sorted = false; break; }
  if (!sorted) order.sort((a, b) => time[a] - time[b] || a - b);
  return order;
}

/** The bars at these rows, in this order: a permutation, or a selection of rows. */
export function permuteBars(bars: Bars, order: Uint32Array): Bars {
  const out = allocateBars(order.length, { symbol: bars.symbol, timeframe: bars.timeframe });
  for (const field of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    const src = bars[field];
    const dst = out[field];
    for (let i = 0; i < order.length; i++) dst[i] = src[order[i]];
  }
  return out;
}
