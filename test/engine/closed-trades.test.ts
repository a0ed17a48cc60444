import { describe, expect, it } from 'vitest';
import { computeMetrics, tradeStatsByAsset, type TradeColumns } from '../../src/engine/metrics.js';
import { simulate, simulatePortfolio } from '../../src/engine/index.js';
import { barsOf, ones } from './helpers.js';

const flat = (closes: number[]) => barsOf(closes.map((c) => [c, c, c, c] as [number, number, number, number]));
const DAY = 86_400_000;

describe('trade statistics count closed trades only; the open position is reported apart', () => {
  // fill close, 10,000 cash, no costs:
  //   bar 0 buy 1000 at 10, bar 1 sell at 9: pnl -1000 (-10 %)
  //   bar 3 buy 9000 / 12 = 750 at 12, bar 4 sell at 11: pnl -750 (-8.333 %)
  //   bar 5 buy 8250 / 11 = 750 at 11, still open at bar 6, marked at 30: +14,250 (+172.7 %)
  const bars = flat([10, 9, 9, 12, 11, 11, 30]);
  const r = simulate(bars, { entries: ones(7, [0, 3, 5]), exits: ones(7, [1, 4]) }, { fill: 'close' });
  const time = Float64Array.from(bars.time, (_, i) => Date.UTC(2020, 0, 1) + i * DAY);
  const m = computeMetrics(
    { time, equity: r.equity, trades: r.trades, exposureBars: r.exposureBars, feesPaid: r.feesPaid, initialCash: 10_000 },
    { periodsPerYear: 365 },
  );

  it('the big open winner changes neither trade count, win rate nor profit factor', () => {
    expect(r.trades.count).toBe(3); // the log keeps the open row (isOpen = 1)
    expect(m.tradeCount).toBe(2);
    expect(m.winRatePct).toBe(0);
    expect(m.profitFactor).toBe(0); // no closed winner: 0 / 1750
    expect(m.bestTradePct).toBeCloseTo(-25 / 3, 12);
    expect(m.worstTradePct).toBeCloseTo(-10, 12);
    expect(m.expectancy).toBeCloseTo(-875, 9); // (-1000 - 750) / 2
    expect(m.expectancyPct).toBeCloseTo((-10 - 25 / 3) / 2, 12);
    expect(m.averageTradePct).toBeCloseTo((Math.sqrt(0.9 * (11 / 12)) - 1) * 100, 12);
    expect(m.averageHoldingBars).toBe(1);
    expect(m.kellyPct).toBeNull(); // no winner
    expect(m.sqn).toBeCloseTo(-7, 12); // sqrt(2) x -875 / (sample std 125 x sqrt(2))
  });

  it('the open position stays in equity and is described in openTrades', () => {
    expect(r.finalEquity).toBe(22_500); // 8250 - 8250 + 750 x 30
    expect(m.finalEquity).toBe(22_500);
    expect(m.openTrades).toEqual([
      {
        asset: 0,
        direction: 'long',
        entryBar: 5,
        entryTime: '2020-01-06T00:00:00Z',
        entryPrice: 11,
        size: 750,
        markPrice: 30,
        barsHeld: 1,
        unrealizedPnl: 14_250,
        returnPct: (19 / 11) * 100,
      },
    ]);
  });

  it('no open position: openTrades is empty; columns without isOpen count every row', () => {
    const closed = simulate(bars, { entries: ones(7, [0, 3]), exits: ones(7, [1, 4]) }, { fill: 'close' });
    const mc = computeMetrics(
      { time, equity: closed.equity, trades: closed.trades, exposureBars: 0, feesPaid: 0, initialCash: 10_000 },
      { periodsPerYear: 365 },
    );
    expect(mc.openTrades).toEqual([]);
    expect(mc.tradeCount).toBe(2);
    const { isOpen: _ignored, ...noFlag } = r.trades;
    expect(computeMetrics({ time, equity: r.equity, trades: noFlag, exposureBars: 0, feesPaid: 0, initialCash: 10_000 }).tradeCount).toBe(3);
  });

  it('a short open position is reported with its sign', () => {
    const s = simulate(flat([10, 8, 8]), { shortEntries: ones(3, [0]) }, { fill: 'close', direction: 'short', feeRate: 0.01 });
    const ms = computeMetrics({ time: time.subarray(0, 3), equity: s.equity, trades: s.trades, exposureBars: 0, feesPaid: s.feesPaid, initialCash: 10_000 });
    // 10,000 / (10 x 1.01) units short at 10, fee 1 % of the notional; marked at 8
    const units = 10_000 / 10.1;
    expect(ms.tradeCount).toBe(0);
    expect(ms.winRatePct).toBeNull();
    expect(ms.openTrades).toHaveLength(1);
    expect(ms.openTrades[0].direction).toBe('short');
    expect(ms.openTrades[0].size).toBeCloseTo(-units, 9);
    expect(ms.openTrades[0].unrealizedPnl).toBeCloseTo(units * 2 - units * 10 * 0.01, 9);
  });
});

describe('tradeStatsByAsset: per-asset closed-trade statistics, same definitions', () => {
  // Hand-made log: asset 0 closed +30 (+3 %), -10 (-1 %), open +500; asset 1 closed -20 (-2 %); asset 2 nothing.
  const t: TradeColumns = {
    asset: Int32Array.from([0, 1, 0, 0]),
    entryBar: Int32Array.from([0, 1, 3, 6]),
    exitBar: Int32Array.from([2, 4, 5, 9]),
    pnl: Float64Array.from([30, -20, -10, 500]),
    returnPct: Float64Array.from([3, -2, -1, 50]),
    fees: Float64Array.from([1, 2, 3, 0.5]),
    isOpen: Uint8Array.from([0, 0, 0, 1]),
    count: 4,
  };

  it('counts, win rate, pnl, fees, geometric average and profit factor by hand', () => {
    expect(tradeStatsByAsset(t, 3)).toEqual([
      {
        asset: 0,
        tradeCount: 2,
        winRatePct: 50,
        totalPnl: 20,
        feesPaid: 4.5, // the open position's entry fee was paid too
        averageTradePct: expect.closeTo((Math.sqrt(1.03 * 0.99) - 1) * 100, 12),
        profitFactor: 3,
        openTrades: 1,
        unrealizedPnl: 500,
      },
      { asset: 1, tradeCount: 1, winRatePct: 0, totalPnl: -20, feesPaid: 2, averageTradePct: expect.closeTo(-2, 12), profitFactor: 0, openTrades: 0, unrealizedPnl: 0 },
      { asset: 2, tradeCount: 0, winRatePct: null, totalPnl: 0, feesPaid: 0, averageTradePct: null, profitFactor: null, openTrades: 0, unrealizedPnl: 0 },
    ]);
  });

  it('agrees with computeMetrics on one asset', () => {
    const m = computeMetrics({ time: new Float64Array(2), equity: Float64Array.from([1, 1]), trades: t, exposureBars: 0, feesPaid: 0, initialCash: 1 });
    const all = tradeStatsByAsset({ ...t, asset: new Int32Array(4) }, 1)[0];
    expect(all.tradeCount).toBe(m.tradeCount);
    expect(all.winRatePct).toBe(m.winRatePct);
    expect(all.averageTradePct).toBe(m.averageTradePct);
    expect(all.profitFactor).toBe(m.profitFactor);
    expect(() => tradeStatsByAsset(t, -1)).toThrow('tradeStatsByAsset: assets must be an integer >= 0 (got -1)');
  });

  it('on a real portfolio run, the per-asset pnl adds up to the closed-trade pnl', () => {
    // asset 0 bought at 10, sold at 12 (+100 x 2 = +200); asset 1 bought at 20, sold at 18, then rebought and held
    const r = simulatePortfolio(
      [flat([10, 11, 12, 12]), flat([20, 19, 18, 18])],
      [Float64Array.from([0.5, NaN, 0, NaN]), Float64Array.from([0.5, NaN, 0, 0.5])],
      { fill: 'close', cash: 2000 },
    );
    const by = tradeStatsByAsset(r.trades, 2);
    expect(by.map((s) => [s.tradeCount, s.openTrades])).toEqual([
      [1, 0],
      [1, 1],
    ]);
    expect(by[0].totalPnl).toBeCloseTo(200, 9);
    expect(by[1].totalPnl).toBeCloseTo(-100, 9);
    expect(by[0].winRatePct).toBe(100);
    expect(by[1].winRatePct).toBe(0);
  });
});
