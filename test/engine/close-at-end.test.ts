import { describe, expect, it } from 'vitest';
import { benchmarkBars } from '../../src/data/synthetic.js';
import {
  REASON_CLOSE_AT_END,
  REASON_END_OF_DATA,
  REASON_SIGNAL,
  reasonName,
} from '../../src/engine/reasons.js';
import { resolvePortfolioOptions, resolveSimOptions, simulate, simulatePortfolio } from '../../src/engine/index.js';
import type { SimOptions, Signals } from '../../src/engine/index.js';
import { barsOf, ones, randomFlags } from './helpers.js';

const arr = (a: ArrayLike<number>) => Array.from(a);
const flat = (closes: number[]) => barsOf(closes.map((c) => [c, c, c, c] as [number, number, number, number]));

describe('closeAtEnd: the option', () => {
  it('defaults to false and refuses anything but a boolean', () => {
    expect(resolveSimOptions({}).closeAtEnd).toBe(false);
    expect(resolveSimOptions({ closeAtEnd: true }).closeAtEnd).toBe(true);
    expect(resolvePortfolioOptions({ closeAtEnd: true }).closeAtEnd).toBe(true);
    expect(() => resolveSimOptions({ closeAtEnd: 'yes' as unknown as boolean })).toThrow("closeAtEnd must be true or false (got 'yes')");
    expect(() => resolvePortfolioOptions({ closeAtEnd: 1 as unknown as boolean })).toThrow('closeAtEnd must be true or false (got 1)');
    expect(reasonName(REASON_CLOSE_AT_END)).toBe('close-at-end');
  });
});

describe("closeAtEnd, fill 'close': closed at the last close with exit costs", () => {
  // fee 1 %, slippage 100 bps; buy at bar 0 close 100: fill 101, units = 1000 / (101 x 1.01)
  const bars = flat([100, 105, 110]);
  const options: SimOptions = { fill: 'close', cash: 1000, feeRate: 0.01, slippageBps: 100 };
  const open = simulate(bars, { entries: ones(3, [0]) }, options);
  const closed = simulate(bars, { entries: ones(3, [0]) }, { ...options, closeAtEnd: true });
  const units = 1000 / (101 * 1.01);

  it('is a closed trade and a sell order at 110 less slippage, fee charged, reason close-at-end', () => {
    expect(closed.trades.count).toBe(1);
    expect(closed.trades.isOpen[0]).toBe(0);
    expect(closed.trades.exitReason[0]).toBe(REASON_CLOSE_AT_END);
    expect(closed.trades.exitBar[0]).toBe(2);
    expect(closed.trades.exitPrice[0]).toBeCloseTo(108.9, 12);
    expect(closed.orders.count).toBe(2);
    expect(closed.orders.reason[1]).toBe(REASON_CLOSE_AT_END);
    expect(closed.orders.side[1]).toBe(-1);
    expect(closed.orders.fee[1]).toBeCloseTo(units * 108.9 * 0.01, 9);
    // cash = units x 108.9 x 0.99 after paying everything at the entry
    expect(closed.finalEquity).toBeCloseTo(units * 108.9 * 0.99, 9);
    expect(arr(closed.position)).toEqual([units, units, 0]);
    expect(closed.exposureBars).toBe(2);
  });

  it('differs from the open mark only by the exit costs', () => {
    expect(open.trades.isOpen[0]).toBe(1);
    expect(open.trades.exitReason[0]).toBe(REASON_END_OF_DATA);
    const exitCosts = units * (110 - 108.9) + units * 108.9 * 0.01;
    expect(open.finalEquity - closed.finalEquity).toBeCloseTo(exitCosts, 9);
    expect(closed.trades.pnl[0]).toBeCloseTo(closed.finalEquity - 1000, 9);
  });

  it('an entry at the last bar opens nothing; a reversal there only closes', () => {
    const e = simulate(bars, { entries: ones(3, [2]) }, { fill: 'close', closeAtEnd: true });
    expect(e.orders.count).toBe(0);
    expect(e.trades.count).toBe(0);
    const rev = simulate(bars, { entries: ones(3, [0]), shortEntries: ones(3, [2]) }, { fill: 'close', direction: 'both', closeAtEnd: true });
    expect(arr(rev.orders.reason)).toEqual([0, REASON_SIGNAL]);
    expect(rev.trades.count).toBe(1);
    expect(rev.finalEquity).toBeCloseTo(1100 * 10, 9); // 100 units bought at 100, sold at 110
  });
});

describe("closeAtEnd, fill 'open': closed at the last bar's open (where an exit signal of the bar before fills)", () => {
  //             open  high  low  close
  const bars = barsOf([
    [100, 100, 100, 100],
    [100, 102, 99, 101],
    [103, 110, 90, 104],
  ]);

  it('sells at open[2] = 103 before the bar runs; the stop inside that bar is never reached', () => {
    const r = simulate(bars, { entries: ones(3, [0]) }, { cash: 1000, closeAtEnd: true, stopLoss: { kind: 'pct', value: 0.05 } });
    // bought 10 at open[1] = 100; stop at 95 is inside bar 2's range, but the position is gone at its open
    expect(arr(r.orders.bar)).toEqual([1, 2]);
    expect(r.orders.price[1]).toBe(103);
    expect(r.trades.exitReason[0]).toBe(REASON_CLOSE_AT_END);
    expect(r.finalEquity).toBe(1030);
    expect(arr(r.equity)).toEqual([1000, 1010, 1030]);
    expect(r.exposureBars).toBe(1);
  });

  it('an entry due at the last open opens nothing', () => {
    const r = simulate(bars, { entries: ones(3, [1]) }, { closeAtEnd: true });
    expect(r.orders.count).toBe(0);
    expect(r.finalEquity).toBe(10_000);
  });
});

describe('closeAtEnd equals an exit signal in time, on random signals with stops (a second derivation)', () => {
  // With fill 'open', closeAtEnd acts as exit signals on bar n - 2 (and no entry there); with fill 'close', as
  // exit signals on bar n - 1 (and no entry there). Both runs must agree fill for fill; only the reason differs.
  const n = 3000;
  const b = benchmarkBars(n, 11);
  const rnd = { entries: randomFlags(n, 0.03, 5), exits: randomFlags(n, 0.02, 6), shortEntries: randomFlags(n, 0.03, 7), shortExits: randomFlags(n, 0.02, 8) };
  const withExitAt = (bar: number): Signals => {
    const s = { entries: rnd.entries.slice(), exits: rnd.exits.slice(), shortEntries: rnd.shortEntries.slice(), shortExits: rnd.shortExits.slice() };
    s.entries[bar] = 0;
    s.shortEntries[bar] = 0;
    s.exits[bar] = 1;
    s.shortExits[bar] = 1;
    return s;
  };
  const cases: Array<[string, SimOptions]> = [
    ['open, both, stops', { direction: 'both', feeRate: 0.001, slippageBps: 3, stopLoss: { kind: 'pct', value: 0.01 }, trailingStop: { kind: 'pct', value: 0.02 } }],
    ['close, both, max hold', { direction: 'both', fill: 'close', fixedFee: 1, maxHold: 40 }],
    ['open, both, target', { direction: 'both', takeProfit: { kind: 'pct', value: 0.03 } }],
  ];
  it.each(cases)('%s', (_name, options) => {
    // force a position open at the end: an entry late enough that nothing closes it
    const last = n - 1;
    const signalBar = options.fill === 'close' ? last : last - 1;
    const a = simulate(b, rnd, { ...options, closeAtEnd: true });
    const e = simulate(b, withExitAt(signalBar), options);
    expect(a.orders.count).toBe(e.orders.count);
    expect(arr(a.orders.price)).toEqual(arr(e.orders.price));
    expect(arr(a.orders.size)).toEqual(arr(e.orders.size));
    expect(arr(a.equity)).toEqual(arr(e.equity));
    expect(a.trades.isOpen.every((x) => x === 0)).toBe(true);
    const k = a.trades.count - 1;
    const endedByIt = a.trades.exitReason[k] === REASON_CLOSE_AT_END;
    if (endedByIt) expect(e.trades.exitReason[k]).toBe(REASON_SIGNAL);
  });

  it('the cases above do end with a position to close (the comparison is not vacuous)', () => {
    const open = cases.map(([, o]) => simulate(b, rnd, o)).map((r) => r.trades.isOpen[r.trades.count - 1]);
    expect(open.filter((x) => x === 1).length).toBeGreaterThan(0);
  });
});

describe('closeAtEnd in simulatePortfolio', () => {
  it("closes every asset at the last fill with costs, reason close-at-end, replacing a rebalance due there (fill 'close')", () => {
    const A = flat([10, 12, 11]);
    const B = flat([20, 18, 21]);
    const w = [Float64Array.from([0.5, NaN, 0.9]), Float64Array.from([-0.5, NaN, 0.1])];
    const r = simulatePortfolio([A, B], w, { fill: 'close', cash: 1000, feeRate: 0.001, closeAtEnd: true });
    // bar 0: 500 / 10 = 50 A long (fee 0.5), 25 B short (fee 0.5); bar 2 closes both at the close
    expect(arr(r.orders.bar)).toEqual([0, 0, 2, 2]);
    expect(arr(r.orders.reason.subarray(2))).toEqual([REASON_CLOSE_AT_END, REASON_CLOSE_AT_END]);
    expect(arr(r.positions[0])).toEqual([50, 50, 0]);
    expect(arr(r.positions[1])).toEqual([-25, -25, 0]);
    expect(arr(r.trades.isOpen)).toEqual([0, 0]);
    expect(arr(r.trades.exitReason)).toEqual([REASON_CLOSE_AT_END, REASON_CLOSE_AT_END]);
    // A: 50 x (11 - 10); B: -25 x (21 - 20); fees 0.1 % of 500, 500, 550, 525
    const fees = 0.5 + 0.5 + 0.55 + 0.525;
    expect(r.feesPaid).toBeCloseTo(fees, 12);
    expect(r.finalEquity).toBeCloseTo(1000 + 50 - 25 - fees, 9);
    expect(r.trades.pnl[0] + r.trades.pnl[1]).toBeCloseTo(r.finalEquity - 1000, 9);
  });

  it("fill 'open': at the last bar's open; an asset without a price there stays open, marked", () => {
    const A = barsOf([
      [10, 10, 10, 10],
      [11, 11, 11, 11],
      [12, 12, 12, 13],
    ]);
    const B = barsOf([
      [20, 20, 20, 20],
      [21, 21, 21, 21],
      [NaN, NaN, NaN, NaN],
    ]);
    const w = [Float64Array.from([0.5, NaN, NaN]), Float64Array.from([0.5, NaN, NaN])];
    const r = simulatePortfolio([A, B], w, { cash: 1000, closeAtEnd: true });
    // bought at open[1]: 500 / 11 A, 500 / 21 B; A sold at open[2] = 12; B has no bar 2
    expect(arr(r.orders.bar)).toEqual([1, 1, 2]);
    expect(r.orders.price[2]).toBe(12);
    expect(r.orders.reason[2]).toBe(REASON_CLOSE_AT_END);
    expect(arr(r.trades.asset)).toEqual([0, 1]);
    expect(arr(r.trades.isOpen)).toEqual([0, 1]);
    expect(r.trades.exitReason[1]).toBe(REASON_END_OF_DATA);
    expect(r.positions[0][2]).toBe(0);
  });
});
