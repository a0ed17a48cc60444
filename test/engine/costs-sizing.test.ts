/** Hand-worked costs and sizing cases. Bars are [open, high, low, close]; fills at close unless said. */
import { describe, expect, it } from 'vitest';
import { kellyFraction, realizedAnnualVol, simulate } from '../../src/engine/index.js';
import { atrInto } from '../../src/indicators/index.js';
import { barsOf, ones } from './helpers.js';

const flat = (closes: number[]) => barsOf(closes.map((c) => [c, c, c, c] as [number, number, number, number]));
const arr = (a: ArrayLike<number>) => Array.from(a);

describe('costs', () => {
  it('proportional fee, fixed fee and slippage give exact cash amounts', () => {
    // cash 1000, feeRate 1%, fixedFee 2, slippage 100 bps.
    // buy at close 100 -> fill 101; units = (1000 - 2) / (101 x 1.01) = 9.783354573081;
    //   fee = 1% x units x 101 + 2 = 11.881188118812; cash = 1000 - units x 101 - fee = 0
    // sell at close 110 -> fill 108.9; notional = 1065.407313008529; fee = 10.654073130085 + 2
    //   cash = 1065.407313008529 - 12.654073130085 = 1052.753239878443
    // slippage paid = units x (1 + 1.1) = 20.545044603470; fees = 24.535261248897
    const r = simulate(flat([100, 110]), { entries: ones(2, [0]), exits: ones(2, [1]) }, {
      fill: 'close',
      cash: 1000,
      feeRate: 0.01,
      fixedFee: 2,
      slippageBps: 100,
    });
    const u = 9.78335457308107;
    expect(r.orders.size[0]).toBeCloseTo(u, 12);
    expect(arr(r.orders.price)).toEqual([101, 108.9]);
    expect(r.orders.fee[0]).toBeCloseTo(11.881188118812, 9);
    expect(r.orders.fee[1]).toBeCloseTo(12.654073130085, 9);
    expect(r.orders.slippage[0]).toBeCloseTo(u * 1, 9);
    expect(r.orders.slippage[1]).toBeCloseTo(u * 1.1, 9);
    expect(Math.abs(r.cash[0])).toBeLessThan(1e-9);
    expect(r.cash[1]).toBeCloseTo(1052.753239878443, 9);
    expect(r.finalEquity).toBeCloseTo(1052.753239878443, 9);
    expect(r.feesPaid).toBeCloseTo(24.535261248897, 9);
    expect(r.slippagePaid).toBeCloseTo(20.54504460347, 9);
    expect(r.trades.fees[0]).toBeCloseTo(24.535261248897, 9);
    expect(r.trades.pnl[0]).toBeCloseTo(52.753239878443, 9);
    expect(r.trades.entryPrice[0]).toBe(101);
    expect(r.trades.exitPrice[0]).toBe(108.9);
  });

  it('slippage is adverse for shorts too: sell lower, buy back higher', () => {
    // short at 100 with 100 bps -> sells at 99: units = 1000 / 99; covers at 90 x 1.01 = 90.9
    const r = simulate(flat([100, 90]), { shortEntries: ones(2, [0]), shortExits: ones(2, [1]) }, {
      fill: 'close',
      cash: 1000,
      direction: 'short',
      slippageBps: 100,
    });
    expect(arr(r.orders.price)).toEqual([99, 90.9]);
    expect(r.finalEquity).toBeCloseTo(1000 + (1000 / 99) * (99 - 90.9), 9); // 1081.818182
  });
});

describe('sizing', () => {
  it('lot size rounds units down to a multiple', () => {
    // 1000 / 30 = 33.33 units: lot 1 -> 33 (cash 10), lot 5 -> 30 (cash 100), lot 0.25 -> 33.25 (cash 2.5)
    const sig = { entries: ones(1, [0]) };
    const base = { fill: 'close', cash: 1000 } as const;
    expect(simulate(flat([30]), sig, { ...base, lotSize: 1 }).position[0]).toBe(33);
    expect(simulate(flat([30]), sig, { ...base, lotSize: 1 }).cash[0]).toBe(10);
    expect(simulate(flat([30]), sig, { ...base, lotSize: 5 }).position[0]).toBe(30);
    expect(simulate(flat([30]), sig, { ...base, lotSize: 0.25 }).position[0]).toBe(33.25);
    expect(simulate(flat([30]), sig, { ...base, lotSize: 0.25 }).cash[0]).toBeCloseTo(2.5, 9);
    // fewer than one lot affordable -> no order
    expect(simulate(flat([30]), sig, { ...base, lotSize: 50 }).orders.count).toBe(0);
  });

  it('percent, cash and units sizing', () => {
    const sig = { entries: ones(1, [0]) };
    const base = { fill: 'close', cash: 1000, feeRate: 0.01 } as const;
    // 40% of 1000 = 400 committed fees included: units = 400 / (100 x 1.01)
    expect(simulate(flat([100]), sig, { ...base, size: { kind: 'percent', fraction: 0.4 } }).position[0]).toBeCloseTo(400 / 101, 12);
    // cash 250 committed: units = 250 / 101; cash left 750
    const c = simulate(flat([100]), sig, { ...base, size: { kind: 'cash', amount: 250 } });
    expect(c.position[0]).toBeCloseTo(250 / 101, 12);
    expect(c.cash[0]).toBeCloseTo(750, 9);
    // 3 units: cost 300 + fee 3
    const u = simulate(flat([100]), sig, { ...base, size: { kind: 'units', units: 3 } });
    expect(u.position[0]).toBe(3);
    expect(u.cash[0]).toBeCloseTo(697, 9);
  });

  it('leverage caps every kind: notional with fees <= leverage x equity', () => {
    const sig = { entries: ones(1, [0]) };
    const base = { fill: 'close', cash: 1000 } as const;
    // 50 units wanted at 100 = 5000: capped at 10 units with leverage 1, 20 with leverage 2 (cash -1000)
    expect(simulate(flat([100]), sig, { ...base, size: { kind: 'units', units: 50 } }).position[0]).toBe(10);
    const l2 = simulate(flat([100]), sig, { ...base, leverage: 2, size: { kind: 'units', units: 50 } });
    expect(l2.position[0]).toBe(20);
    expect(l2.cash[0]).toBe(-1000);
    expect(l2.equity[0]).toBe(1000);
    // percent 300% -> capped at leverage 2 -> 20 units; default leverage 1 -> 10 units
    expect(simulate(flat([100]), sig, { ...base, leverage: 2, size: { kind: 'percent', fraction: 3 } }).position[0]).toBe(20);
    expect(simulate(flat([100]), sig, { ...base, size: { kind: 'percent', fraction: 3 } }).position[0]).toBe(10);
    // cash amount 5000 -> capped at 1000
    expect(simulate(flat([100]), sig, { ...base, size: { kind: 'cash', amount: 5000 } }).position[0]).toBe(10);
  });

  it('vol-target: fraction = min(leverage, annualVol / realized vol of the lookback returns ending at the signal bar)', () => {
    // closes 100, 101, 99.99, 100.9899, 99.980001: returns +1%, -1%, +1%, -1%; sample std = 0.011547005;
    // x sqrt(10000) = 1.1547005 annualized; target 0.5 -> fraction 0.4330127; units = 433.0127 / 99.980001
    const closes = [100, 101, 99.99, 100.9899, 99.980001, 100];
    const size = { kind: 'vol-target', annualVol: 0.5, lookback: 4, periodsPerYear: 10_000 } as const;
    expect(realizedAnnualVol(new Float64Array(closes), 4, 4, 10_000)).toBeCloseTo(1.1547005383792526, 9);
    const r = simulate(flat(closes), { entries: ones(6, [4]) }, { fill: 'close', cash: 1000, size });
    expect(r.position[4]).toBeCloseTo(4.330993174247107, 9);
    // no look-ahead: the close after the signal bar does not change the size
    const other = flat([...closes.slice(0, 5), 500]);
    expect(simulate(other, { entries: ones(6, [4]) }, { fill: 'close', cash: 1000, size }).position[4]).toBe(r.position[4]);
    // fewer than lookback returns before the signal bar -> no entry
    expect(simulate(flat(closes), { entries: ones(6, [3]) }, { fill: 'close', cash: 1000, size }).orders.count).toBe(0);
    // a calmer target than realized is capped at leverage 1
    const big = simulate(flat(closes), { entries: ones(6, [4]) }, { fill: 'close', cash: 1000, size: { ...size, annualVol: 5 } });
    expect(big.position[4]).toBeCloseTo(1000 / 99.980001, 9);
  });

  it('kelly: f = W - (1 - W) / R from closed trades, scaled, clamped; fallback until minTrades', () => {
    // W = 0.6, R = 2 -> f = 0.6 - 0.4 / 2 = 0.4; half Kelly -> 0.2
    expect(kellyFraction(10, 6, 6 * 2, 4, 4 * 1, 0.5, 1)).toBeCloseTo(0.2, 12);
    expect(kellyFraction(10, 2, 2, 8, 8, 1, 1)).toBe(0); // f = 0.2 - 0.8 = -0.6 -> 0
    expect(kellyFraction(3, 3, 3, 0, 0, 5, 2)).toBe(2); // no losses: f = W = 1; x5 -> clamped at leverage 2
    // trade 1: 10 units 100 -> 110 (+10%, cash 1100); trade 2: 11 units 100 -> 95 (-5%, cash 1045);
    // after 2 trades W = 0.5, R = 10 / 5 = 2 -> f = 0.25: trade 3 commits 0.25 x 1045 = 261.25 -> 2.6125 units
    const closes = [100, 110, 100, 95, 100, 100];
    const sig = { entries: ones(6, [0, 2, 4]), exits: ones(6, [1, 3]) };
    const r = simulate(flat(closes), sig, {
      fill: 'close',
      cash: 1000,
      size: { kind: 'kelly', fraction: 1, minTrades: 2, fallbackFraction: 1 },
    });
    expect(arr(r.orders.size)).toEqual([10, 10, 11, 11, 2.6125]);
    expect(arr(r.trades.returnPct).slice(0, 2)).toEqual([10, -5]);
  });

  it('Wilder ATR matches the hand computation', () => {
    const b = barsOf([
      [10, 11, 9, 10],
      [10, 12, 10, 11],
      [11, 12, 10, 11],
      [11, 14, 11, 13],
    ]);
    const atr = atrInto(new Float64Array(4), b.high, b.low, b.close, 2);
    expect(Number.isNaN(atr[0]) && Number.isNaN(atr[1])).toBe(true);
    expect(atr[2]).toBe(2);
    expect(atr[3]).toBe(2.5);
  });
});
