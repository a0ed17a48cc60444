import { describe, expect, it } from 'vitest';
import { allocateBars, type Bars } from '../../src/data/bars.js';
import { benchmarkBars, mulberry32 } from '../../src/data/synthetic.js';
import { REASON_END_OF_DATA, simulate, simulatePortfolio } from '../../src/engine/index.js';
import type { PortfolioOptions, PortfolioResult } from '../../src/engine/index.js';
import { barsOf, crossSignals, maxRelDiff } from './helpers.js';

const flat = (closes: number[]) => barsOf(closes.map((c) => [c, c, c, c] as [number, number, number, number]));
const arr = (a: ArrayLike<number>) => Array.from(a);
const col = (xs: number[]) => Float64Array.from(xs);

describe('simulatePortfolio: hand-worked 2-asset rebalance', () => {
  const A = flat([10, 12, 11]);
  const B = flat([20, 18, 21]);

  it("rebalances back to unchanged targets only with rebalanceOn 'every-weight'", () => {
    // bar 0: 50/50 of 1000 -> 50 A at 10, 25 B at 20. bar 1: the same 50/50 again; equity 50 x 12 + 25 x 18 = 1050.
    // 'change': the target did not change, so nothing trades and the holdings drift (A is 600/1050 of equity).
    const weights = [col([0.5, 0.5, NaN]), col([0.5, 0.5, NaN])];
    const drift = simulatePortfolio([A, B], weights, { fill: 'close', cash: 1000 });
    expect(drift.orders.count).toBe(2);
    expect(drift.options.rebalanceOn).toBe('change');
    // 'every-weight': bar 1 trades back to 525 each: sell 50 - 525 / 12 = 6.25 A, buy 525 / 18 - 25 = 4.1667 B.
    const back = simulatePortfolio([A, B], weights, { fill: 'close', cash: 1000, rebalanceOn: 'every-weight' });
    expect(back.orders.count).toBe(4);
    expect(arr(back.orders.side).slice(2)).toEqual([-1, 1]);
    expect(back.orders.size[2]).toBeCloseTo(6.25, 12);
    expect(back.orders.size[3]).toBeCloseTo(4.166666666667, 9);
    expect(back.positions[0][1] * 12).toBeCloseTo(525, 9);
    expect(back.positions[1][1] * 18).toBeCloseTo(525, 9);
    // a bar without weights (NaN) still keeps the targets and trades nothing
    expect(back.positions[0][2]).toBe(back.positions[0][1]);
  });

  it('rebalances to target weights of current equity at the close, sells before buys', () => {
    // bar 0: 50/50 of 1000 -> 50 A at 10, 25 B at 20, cash 0.
    // bar 1: equity = 50 x 12 + 25 x 18 = 1050; 20/80 -> A 0.2 x 1050 / 12 = 17.5 units (sell 32.5 at 12 = 390),
    //        B 0.8 x 1050 / 18 = 46.6667 (buy 21.6667 at 18 = 390); cash 0.
    // bar 2: equity = 17.5 x 11 + 46.6667 x 21 = 192.5 + 980 = 1172.5
    const r = simulatePortfolio([A, B], [col([0.5, 0.2, NaN]), col([0.5, 0.8, NaN])], { fill: 'close', cash: 1000 });
    expect(arr(r.orders.asset)).toEqual([0, 1, 0, 1]);
    expect(arr(r.orders.side)).toEqual([1, 1, -1, 1]);
    expect(r.orders.size[2]).toBeCloseTo(32.5, 12);
    expect(r.orders.size[3]).toBeCloseTo(21.666666666667, 9);
    expect(arr(r.positions[0])).toEqual([50, 17.5, 17.5]);
    expect(r.positions[1][2]).toBeCloseTo(46.666666666667, 9);
    expect(r.equity[0]).toBe(1000);
    expect(r.equity[1]).toBeCloseTo(1050, 9);
    expect(r.equity[2]).toBeCloseTo(1172.5, 9);
    expect(Math.abs(r.cash[2])).toBeLessThan(1e-9);
    // both trades still open: A 50 in at 10, out 32.5 at 12 + 17.5 marked at 11 -> exit VWAP 11.65, pnl 82.5;
    // B in 25 at 20 + 21.6667 at 18 = 890, marked at 21 -> pnl 980 - 890 = 90
    expect(r.trades.count).toBe(2);
    expect(arr(r.trades.isOpen)).toEqual([1, 1]);
    expect(arr(r.trades.exitReason)).toEqual([REASON_END_OF_DATA, REASON_END_OF_DATA]);
    expect(r.trades.exitPrice[0]).toBeCloseTo(11.65, 12);
    expect(r.trades.pnl[0]).toBeCloseTo(82.5, 9);
    expect(r.trades.pnl[1]).toBeCloseTo(90, 9);
  });

  it('scales buys down so fees never take cash below zero', () => {
    // fee 1%: wanted 50 A + 25 B costs 1010 with fees > 1000 -> scale 1000 / 1010
    const r = simulatePortfolio([A, B], [col([0.5, NaN, NaN]), col([0.5, NaN, NaN])], { fill: 'close', cash: 1000, feeRate: 0.01 });
    expect(r.positions[0][0]).toBeCloseTo(50 / 1.01, 12);
    expect(r.positions[1][0]).toBeCloseTo(25 / 1.01, 12);
    expect(Math.abs(r.cash[0])).toBeLessThan(1e-9);
    expect(r.feesPaid).toBeCloseTo(1000 * (0.01 / 1.01), 9);
  });

  it("fill 'open' trades at the next open; an asset without a price at the fill bar waits for the next bar", () => {
    // B has no bar 1 (NaN): A is bought at open[1] = 12 with half of 1000; B at open[2] = 21
    const B2 = barsOf([
      [20, 20, 20, 20],
      [NaN, NaN, NaN, NaN],
      [21, 21, 21, 21],
    ]);
    const r = simulatePortfolio([A, B2], [col([0.5, NaN, NaN]), col([0.5, NaN, NaN])], { cash: 1000 });
    expect(arr(r.orders.bar)).toEqual([1, 2]);
    expect(arr(r.orders.asset)).toEqual([0, 1]);
    expect(r.positions[0][1]).toBeCloseTo(500 / 12, 12);
    expect(r.positions[1][1]).toBe(0);
    // bar 2: equity at B's fill = 500 + 41.667 x 11 (A's open) = 958.333; B gets half -> 479.1667 / 21
    expect(r.positions[1][2]).toBeCloseTo((500 + (500 / 12) * 11) / 2 / 21, 9);
    // equity never NaN: B's missing close is not used while B is flat
    expect(r.equity.every((x) => !Number.isNaN(x))).toBe(true);
  });

  it('a trade ends at zero or at a sign flip; short weights sell short', () => {
    // A: +0.5 at bar 0 (50 units), -0.5 at bar 1: equity 1100 -> target -45.8333: sell 95.8333 in one order,
    // the fee split pro rata (no fees here); first trade closed, a short trade opened at 12
    const r = simulatePortfolio([A], [col([0.5, -0.5, 0])], { fill: 'close', cash: 1000 });
    expect(r.orders.count).toBe(3);
    expect(r.trades.count).toBe(2);
    expect(arr(r.trades.direction)).toEqual([1, -1]);
    expect(r.trades.pnl[0]).toBeCloseTo(100, 9);
    expect(r.trades.size[1]).toBeCloseTo(-(0.5 * 1100) / 12, 9);
    // short closed at 11: pnl = 45.8333 x (12 - 11)
    expect(r.trades.pnl[1]).toBeCloseTo((0.5 * 1100) / 12, 9);
    expect(r.positions[0][2]).toBe(0);
  });

  it('rejects weights above leverage with a sentence', () => {
    expect(() => simulatePortfolio([A, B], [col([0.7, NaN, NaN]), col([0.6, NaN, NaN])])).toThrow(
      'weights at bar 0 add up to 1.2999999999999998 in absolute value, above leverage 1; scale them down or raise leverage',
    );
    expect(() => simulatePortfolio([A, B], [col([0.7, NaN, NaN]), col([0.6, NaN, NaN])], { leverage: 2 })).not.toThrow();
    expect(() => simulatePortfolio([A, B], [col([0.5, 0.5, 0.5])])).toThrow('weights must hold one column per asset (got 1 columns for 2 assets)');
  });
});

describe('a 1-asset portfolio with weights 1/0 equals simulate() with entries/exits (percent 1)', () => {
  const bars = benchmarkBars(30_000, 3);
  const { entries, exits } = crossSignals(bars.close, 8, 30);
  const w = new Float64Array(bars.length).fill(NaN);
  for (let i = 0; i < bars.length; i++) {
    if (entries[i]) w[i] = 1;
    if (exits[i]) w[i] = 0;
  }
  const cases: PortfolioOptions[] = [
    { fill: 'close', feeRate: 0.001 },
    { fill: 'open', feeRate: 0.001, slippageBps: 4, fixedFee: 0.5 },
    { fill: 'open' },
  ];
  it.each(cases)('%o', (options) => {
    const p = simulatePortfolio([bars], [w], options);
    const s = simulate(bars, { entries, exits }, options);
    expect(p.orders.count).toBe(s.orders.count);
    expect(p.trades.count).toBe(s.trades.count);
    // the same formulas, different float operation order: equal to ~1e-12 relative
    expect(maxRelDiff(p.equity, s.equity)).toBeLessThan(1e-9);
    expect(maxRelDiff(p.positions[0], s.position)).toBeLessThan(1e-9);
    expect(Math.abs(p.feesPaid - s.feesPaid)).toBeLessThan(1e-6);
  });
});

function withGaps(b: Bars, seed: number): Bars {
  const out = allocateBars(b.length);
  const r = mulberry32(seed);
  for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) out[k].set(b[k]);
  for (let i = 0; i < b.length; i++) {
    if (r() < 0.01) {
      out.open[i] = NaN;
      out.high[i] = NaN;
      out.low[i] = NaN;
      out.close[i] = NaN;
    }
  }
  return out;
}

function reconcile(r: PortfolioResult, bars: Bars[], cash0: number) {
  const m = bars.length;
  const n = bars[0].length;
  const pos = new Float64Array(m);
  const mark = new Float64Array(m).fill(NaN);
  let cash = cash0;
  let k = 0;
  let fees = 0;
  let worst = 0;
  for (let t = 0; t < n; t++) {
    while (k < r.orders.count && r.orders.bar[k] === t) {
      const a = r.orders.asset[k];
      cash -= r.orders.side[k] * r.orders.size[k] * r.orders.price[k] + r.orders.fee[k];
      pos[a] += r.orders.side[k] * r.orders.size[k];
      fees += r.orders.fee[k];
      k++;
    }
    let eq = cash;
    for (let a = 0; a < m; a++) {
      if (!Number.isNaN(bars[a].close[t])) mark[a] = bars[a].close[t];
      worst = Math.max(worst, Math.abs(pos[a] - r.positions[a][t]) / Math.max(1, Math.abs(pos[a])));
      if (r.positions[a][t] !== 0) eq += r.positions[a][t] * mark[a];
    }
    worst = Math.max(worst, Math.abs(cash - r.cash[t]) / Math.max(1, Math.abs(cash)));
    worst = Math.max(worst, Math.abs(eq - r.equity[t]) / Math.max(1, Math.abs(eq)));
  }
  expect(k).toBe(r.orders.count);
  expect(worst).toBeLessThan(1e-9);
  expect(fees).toBeCloseTo(r.feesPaid, 6);
  let tf = 0;
  let pnl = 0;
  for (let i = 0; i < r.trades.count; i++) {
    tf += r.trades.fees[i];
    pnl += r.trades.pnl[i];
  }
  expect(tf).toBeCloseTo(r.feesPaid, 6);
  expect(pnl).toBeCloseTo(r.finalEquity - cash0, 5);
}

describe('simulatePortfolio: reconciliation on 3 synthetic assets with gaps and random rebalances', () => {
  const n = 20_000;
  const bars = [withGaps(benchmarkBars(n, 1), 10), withGaps(benchmarkBars(n, 2), 20), withGaps(benchmarkBars(n, 3), 30)];
  const rand = mulberry32(99);
  const longOnly = bars.map(() => new Float64Array(n).fill(NaN));
  const longShort = bars.map(() => new Float64Array(n).fill(NaN));
  const kept = [0, 0, 0];
  for (let t = 0; t < n; t++) {
    if (rand() < 0.02) {
      // some assets keep their target (NaN), the others share what the kept ones leave, sometimes not all of it
      const change = bars.map(() => rand() < 0.7);
      const free = 1 - kept.reduce((s, w, a) => s + (change[a] ? 0 : w), 0);
      const raw = bars.map(() => rand());
      const sum = raw.reduce((x, y, a) => x + (change[a] ? y : 0), 0) * (1 + rand());
      raw.forEach((x, a) => {
        if (change[a]) kept[a] = longOnly[a][t] = (x / sum) * free;
        longShort[a][t] = ((rand() < 0.5 ? -1 : 1) * x) / (raw[0] + raw[1] + raw[2]);
      });
    }
  }
  const cases: Array<[string, Float64Array[], PortfolioOptions]> = [
    ['long only, open, fees + slippage + fixed fee', longOnly, { feeRate: 0.001, slippageBps: 5, fixedFee: 0.25 }],
    ['long only, close, whole lots of 0.5', longOnly, { fill: 'close', feeRate: 0.002, lotSize: 0.5 }],
    ['long/short, leverage 2', longShort.map((w) => w.map((x) => x * 2)), { leverage: 2, feeRate: 0.001 }],
  ];
  it.each(cases)('%s', (_name, weights, options) => {
    const r = simulatePortfolio(bars, weights, options);
    expect(r.orders.count).toBeGreaterThan(200);
    reconcile(r, bars, 10_000);
    expect(r.equity.every((x) => Number.isFinite(x))).toBe(true);
    if (weights === longOnly) expect(Math.min(...r.cash)).toBeGreaterThanOrEqual(-1e-9);
    // no order on a bar where the asset has no price
    for (let i = 0; i < r.orders.count; i++) {
      const b = bars[r.orders.asset[i]];
      const px = options.fill === 'close' ? b.close[r.orders.bar[i]] : b.open[r.orders.bar[i]];
      expect(Number.isNaN(px)).toBe(false);
    }
    const again = simulatePortfolio(bars, weights, options);
    expect(again.equity).toEqual(r.equity);
  });
});
