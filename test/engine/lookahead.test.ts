/**
 * No look-ahead. What is invariant: everything simulate() reports for bars 0..t (equity, cash, position, and
 * the orders filled at bars <= t) depends only on bars 0..t and signals 0..t. With fill 'open' an order filled
 * at bar t uses bar t's open, which is part of bar t; a signal of bar t only affects bar t+1 onward.
 */
import { expect, it } from 'vitest';
import { sliceBars } from '../../src/data/bars.js';
import { mulberry32 } from '../../src/data/synthetic.js';
import { simulate } from '../../src/engine/index.js';
import type { SimResult, Signals } from '../../src/engine/index.js';
import { describeShared, readSharedCsv } from '../helpers/shared.js';
import { COMBOS, signalsFor } from './helpers.js';

function ordersUpTo(r: SimResult, t: number) {
  const rows: number[][] = [];
  const o = r.orders;
  for (let i = 0; i < o.count && o.bar[i] <= t; i++) rows.push([o.bar[i], o.side[i], o.price[i], o.size[i], o.fee[i], o.reason[i]]);
  return rows;
}

function sliceSignals(s: Signals, k: number): Signals {
  const out: Record<string, Uint8Array> = {};
  for (const [key, v] of Object.entries(s)) if (v !== undefined) out[key] = (v as Uint8Array).slice(0, k);
  return out;
}

describeShared('no look-ahead on btc-usd_1h', () => {
  const bars = readSharedCsv('btc-usd_1h.csv');
  const n = bars.length;
  const cuts = [60, 777, 5000, 12_345, n - 2];
  const withFills = COMBOS.flatMap(([name, o]) => [
    [`${name} (open)`, { ...o, fill: 'open' as const }],
    [`${name} (close)`, { ...o, fill: 'close' as const }],
  ]) as Array<[string, (typeof COMBOS)[number][1]]>;

  it.each(withFills)('%s: a run on bars 0..k-1 equals the full run up to k-1', (_name, options) => {
    const sig = signalsFor(options, n, 5);
    const full = simulate(bars, sig, options);
    for (const k of cuts) {
      const part = simulate(sliceBars(bars, 0, k), sliceSignals(sig, k), options);
      expect(part.equity).toEqual(full.equity.subarray(0, k));
      expect(part.cash).toEqual(full.cash.subarray(0, k));
      expect(part.position).toEqual(full.position.subarray(0, k));
      expect(ordersUpTo(part, k - 1)).toEqual(ordersUpTo(full, k - 1));
      expect(part.orders.count).toBe(ordersUpTo(full, k - 1).length);
    }
  });

  it.each(withFills)('%s: scrambling the bars after t never changes anything up to t', (_name, options) => {
    const sig = signalsFor(options, n, 9);
    const full = simulate(bars, sig, options);
    const rand = mulberry32(3);
    for (const t of cuts) {
      const copy = sliceBars(bars, 0, n); // views: copy the columns before changing them
      const cols = {
        time: copy.time.slice(),
        open: copy.open.slice(),
        high: copy.high.slice(),
        low: copy.low.slice(),
        close: copy.close.slice(),
        volume: copy.volume.slice(),
      };
      for (let i = t + 1; i < n; i++) {
        const f = 0.5 + rand();
        cols.open[i] *= f;
        cols.close[i] *= f * (0.9 + 0.2 * rand());
        cols.high[i] = Math.max(cols.open[i], cols.close[i]) * (1 + 0.05 * rand());
        cols.low[i] = Math.min(cols.open[i], cols.close[i]) * (1 - 0.05 * rand());
      }
      const changed = simulate({ ...cols, length: n }, sig, options);
      expect(changed.equity.subarray(0, t + 1)).toEqual(full.equity.subarray(0, t + 1));
      expect(changed.position.subarray(0, t + 1)).toEqual(full.position.subarray(0, t + 1));
      expect(ordersUpTo(changed, t)).toEqual(ordersUpTo(full, t));
    }
  });
});
