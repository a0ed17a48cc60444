/** Accounting invariants at every bar on real data, random signals from a seeded mulberry32. */
import { expect, it } from 'vitest';
import { simulate } from '../../src/engine/index.js';
import type { SimResult } from '../../src/engine/index.js';
import { describeShared, readSharedCsv } from '../helpers/shared.js';
import { COMBOS, signalsFor } from './helpers.js';

function checkAccounting(r: SimResult, cash0: number, close: Float64Array): void {
  const n = close.length;
  const o = r.orders;
  let k = 0;
  let cash = cash0;
  let pos = 0;
  let orderFees = 0;
  let buys = 0;
  let sells = 0;
  let worstPos = 0;
  let worstCash = 0;
  let worstEquity = 0;
  let nans = 0;
  for (let t = 0; t < n; t++) {
    while (k < o.count && o.bar[k] === t) {
      const notional = o.price[k] * o.size[k];
      if (o.side[k] > 0) buys += notional;
      else sells += notional;
      cash += -o.side[k] * notional - o.fee[k];
      pos += o.side[k] * o.size[k];
      orderFees += o.fee[k];
      k++;
    }
    // the position and cash rebuilt from the order log equal the reported ones at every bar
    worstPos = Math.max(worstPos, Math.abs(r.position[t] - pos) / Math.max(1, Math.abs(pos)));
    worstCash = Math.max(worstCash, Math.abs(r.cash[t] - cash) / Math.max(1, Math.abs(cash)));
    // equity = cash + position x close
    const eq = r.cash[t] + r.position[t] * close[t];
    worstEquity = Math.max(worstEquity, Math.abs(r.equity[t] - eq) / Math.max(1, Math.abs(eq)));
    if (Number.isNaN(r.equity[t]) || Number.isNaN(r.cash[t]) || Number.isNaN(r.position[t])) nans++;
  }
  expect(nans).toBe(0);
  expect(worstPos).toBeLessThanOrEqual(1e-9);
  expect(worstCash).toBeLessThanOrEqual(1e-9);
  expect(worstEquity).toBeLessThanOrEqual(1e-9);
  expect(k).toBe(o.count); // every order belongs to a bar, in bar order
  // cash_final = cash0 - buys + sells - fees
  expect(r.cash[n - 1]).toBeCloseTo(cash0 - buys + sells - orderFees, 6);
  let tradeFees = 0;
  let tradePnl = 0;
  for (let i = 0; i < r.trades.count; i++) {
    tradeFees += r.trades.fees[i];
    tradePnl += r.trades.pnl[i];
  }
  expect(tradeFees).toBeCloseTo(r.feesPaid, 6);
  expect(orderFees).toBeCloseTo(r.feesPaid, 6);
  // trade pnl (open trade marked to market) adds up to the change in equity
  expect(tradePnl).toBeCloseTo(r.finalEquity - cash0, 6);
  let slip = 0;
  for (let i = 0; i < o.count; i++) slip += o.slippage[i];
  expect(slip).toBeCloseTo(r.slippagePaid, 6);
  let exposure = 0;
  for (let t = 0; t < n; t++) if (r.position[t] !== 0) exposure++;
  expect(r.exposureBars).toBe(exposure);
}

describeShared('accounting invariants on btc-usd_1h with random signals', () => {
  const bars = readSharedCsv('btc-usd_1h.csv');
  it.each(COMBOS)('%s', (_name, options) => {
    const sig = signalsFor(options, bars.length, 11);
    const r = simulate(bars, sig, options);
    expect(r.orders.count).toBeGreaterThan(100);
    checkAccounting(r, options.cash ?? 10_000, bars.close);
    if ((options.direction ?? 'long') === 'long') {
      expect(Math.min(...r.position)).toBeGreaterThanOrEqual(0);
      if ((options.leverage ?? 1) === 1) expect(Math.min(...r.cash)).toBeGreaterThanOrEqual(-1e-9);
    }
    if (options.direction === 'short') expect(Math.max(...r.position)).toBeLessThanOrEqual(0);
    // deterministic: a second run is bit-identical
    const again = simulate(bars, sig, options);
    expect(Buffer.from(again.equity.buffer, again.equity.byteOffset, again.equity.byteLength).equals(Buffer.from(r.equity.buffer, r.equity.byteOffset, r.equity.byteLength))).toBe(true);
    expect(again.orders).toEqual(r.orders);
    expect(again.trades).toEqual(r.trades);
    // writing into given buffers gives the same numbers
    const n = bars.length;
    const buffers = { equity: new Float64Array(n + 5).fill(7), cash: new Float64Array(n).fill(7), position: new Float64Array(n).fill(7) };
    const into = simulate(bars, sig, options, buffers);
    expect(into.equity).toEqual(r.equity);
    expect(into.cash).toEqual(r.cash);
    expect(into.position).toEqual(r.position);
    expect(into.cash.buffer).toBe(buffers.cash.buffer);
  });
});
