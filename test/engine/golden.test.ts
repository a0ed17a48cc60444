import { describe, expect, it } from 'vitest';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { simulate } from '../../src/engine/index.js';
import type { SimOptions } from '../../src/engine/index.js';
import { computeMetrics } from '../../src/engine/metrics.js';
import { REASON_CLOSE_AT_END } from '../../src/engine/reasons.js';
import { crosses, sma } from '../../src/indicators/index.js';
import { describeShared, readSharedCsv } from '../helpers/shared.js';
import { crossSignals, maxRelDiff, randomFlags } from './helpers.js';
import { referenceSimulate, type RefOptions } from './reference.js';

const bars = benchmarkBars(100_000);
const { entries, exits } = crossSignals(bars.close, 10, 50);

describe('golden: the standard benchmark (SMA 10/50, fill close, fees 0.1%, all equity)', () => {
  const r = simulate(bars, { entries, exits }, { fill: 'close', feeRate: 0.001, cash: 10_000 });

  it('gives exactly 1416 trades and final value 752.8744075930 (vectorbt and an independent loop agree)', () => {
    expect(r.trades.count).toBe(1416);
    expect(r.orders.count).toBe(2832);
    expect(Math.abs(r.finalEquity - 752.874407593)).toBeLessThan(1e-6);
    // no trade left open at the end of this series
    expect(r.trades.isOpen.every((x) => x === 0)).toBe(true);
  });

  it('matches the independent reference loop bar by bar', () => {
    const ref = referenceSimulate(bars, { entries, exits }, { fill: 'close', feeRate: 0.001 });
    expect(ref.closedTrades).toBe(1416);
    expect(maxRelDiff(r.equity, ref.equity)).toBeLessThan(1e-9);
    expect(maxRelDiff(r.cash, ref.cash)).toBeLessThan(1e-9);
    expect(maxRelDiff(r.position, ref.position)).toBeLessThan(1e-9);
  });
});

describe('simulate() equals the reference loop bar by bar on other settings', () => {
  const n = 20_000;
  const b = benchmarkBars(n, 7);
  const cross = crossSignals(b.close, 5, 20);
  const rnd = {
    entries: randomFlags(n, 0.02, 1),
    exits: randomFlags(n, 0.02, 2),
    shortEntries: randomFlags(n, 0.02, 3),
    shortExits: randomFlags(n, 0.02, 4),
  };
  type Case = [string, 'cross' | 'random', SimOptions, RefOptions];
  const cases: Case[] = [
    ['open fills', 'cross', { feeRate: 0.001 }, { feeRate: 0.001 }],
    ['slippage and fixed fee', 'cross', { feeRate: 0.0005, fixedFee: 1.5, slippageBps: 7 }, { feeRate: 0.0005, fixedFee: 1.5, slippageBps: 7 }],
    ['close fills with slippage', 'cross', { fill: 'close', slippageBps: 3 }, { fill: 'close', slippageBps: 3 }],
    ['half of equity, lots of 0.1', 'cross', { size: { kind: 'percent', fraction: 0.5 }, lotSize: 0.1 }, { fraction: 0.5, lotSize: 0.1 }],
    ['short only', 'random', { direction: 'short', feeRate: 0.001 }, { direction: 'short', feeRate: 0.001 }],
    ['both directions, open', 'random', { direction: 'both', feeRate: 0.001, slippageBps: 2 }, { direction: 'both', feeRate: 0.001, slippageBps: 2 }],
    ['both directions, close', 'random', { direction: 'both', fill: 'close', fixedFee: 0.5 }, { direction: 'both', fill: 'close', fixedFee: 0.5 }],
    [
      'stop-loss + take-profit, open',
      'cross',
      { stopLoss: { kind: 'pct', value: 0.004 }, takeProfit: { kind: 'pct', value: 0.006 }, feeRate: 0.001 },
      { stopLossPct: 0.004, takeProfitPct: 0.006, feeRate: 0.001 },
    ],
    [
      'stop-loss + take-profit, target first, close',
      'cross',
      { fill: 'close', stopLoss: { kind: 'pct', value: 0.003 }, takeProfit: { kind: 'pct', value: 0.003 }, stopFirst: false },
      { fill: 'close', stopLossPct: 0.003, takeProfitPct: 0.003, stopFirst: false },
    ],
    [
      'trailing + stop-loss, both directions',
      'random',
      { direction: 'both', stopLoss: { kind: 'pct', value: 0.01 }, trailingStop: { kind: 'pct', value: 0.004 }, slippageBps: 5 },
      { direction: 'both', stopLossPct: 0.01, trailingPct: 0.004, slippageBps: 5 },
    ],
    [
      'trailing + take-profit, short, close',
      'random',
      { direction: 'short', fill: 'close', trailingStop: { kind: 'pct', value: 0.003 }, takeProfit: { kind: 'pct', value: 0.005 } },
      { direction: 'short', fill: 'close', trailingPct: 0.003, takeProfitPct: 0.005 },
    ],
    [
      'both directions, stop-loss + take-profit, close',
      'random',
      { direction: 'both', fill: 'close', stopLoss: { kind: 'pct', value: 0.005 }, takeProfit: { kind: 'pct', value: 0.008 }, feeRate: 0.0002 },
      { direction: 'both', fill: 'close', stopLossPct: 0.005, takeProfitPct: 0.008, feeRate: 0.0002 },
    ],
    [
      'both directions, stop-loss + max hold, open',
      'random',
      { direction: 'both', stopLoss: { kind: 'pct', value: 0.006 }, maxHold: 9, slippageBps: 1 },
      { direction: 'both', stopLossPct: 0.006, maxHold: 9, slippageBps: 1 },
    ],
    ['max hold, open', 'random', { direction: 'both', maxHold: 7 }, { direction: 'both', maxHold: 7 }],
    ['max hold + stops, close', 'cross', { fill: 'close', maxHold: 12, stopLoss: { kind: 'pct', value: 0.003 } }, { fill: 'close', maxHold: 12, stopLossPct: 0.003 }],
  ];
  it.each(cases)('%s', (_name, which, options, refOptions) => {
    const sig =
      which === 'cross'
        ? cross
        : options.direction === 'short'
          ? { shortEntries: rnd.shortEntries, shortExits: rnd.shortExits }
          : options.direction === 'both'
            ? rnd
            : { entries: rnd.entries, exits: rnd.exits };
    const r = simulate(b, sig, options);
    const ref = referenceSimulate(b, sig, refOptions);
    expect(r.orders.count).toBe(ref.orders);
    expect(r.orders.count).toBeGreaterThan(20);
    expect(r.trades.count - (r.trades.isOpen[r.trades.count - 1] ?? 0)).toBe(ref.closedTrades);
    expect(maxRelDiff(r.position, ref.position)).toBeLessThan(1e-9);
    expect(maxRelDiff(r.cash, ref.cash)).toBeLessThan(1e-9);
    expect(maxRelDiff(r.equity, ref.equity)).toBeLessThan(1e-9);
    expect(Math.abs(r.feesPaid - ref.fees)).toBeLessThan(1e-6);
  });
});

/**
 * backtesting.py's own pinned statistics (kernc/backtesting.py @ 9c2b8e1, backtesting/test/_test.py,
 * test_compute_stats): Backtest(GOOG, SmaCross, finalize_trades=True).run() with its defaults: cash 10,000, no
 * commission or spread, whole units with all available cash, orders at the next open, no hedging. SmaCross
 * (fast 10, slow 30) closes the position and opens the other side at every crossover, i.e. direction 'both'.
 * finalize_trades closes what is still open at the last bar's open (its close orders are filled in one more
 * broker pass over the last bar): rrr's closeAtEnd with fill 'open'.
 */
const BACKTESTING_PY_GOOG = {
  trades: 66,
  equityFinal: 51422.98999999996,
  equityPeak: 75787.44,
  returnPct: 414.2298999999996,
  winRatePct: 46.96969696969697,
  bestTradePct: 53.59595229490424,
  worstTradePct: -18.39887353835481,
  avgTradePct: 2.531715975158555,
  expectancyPct: 3.2748078066748834,
  sqn: 1.0766187356697705,
  kelly: 0.1518705127029717,
  maxDrawdownPct: -47.98012705007589,
  avgDrawdownPct: -5.925851581948801,
  maxDrawdownDurationDays: 584,
  cagrPct: 21.160245705962623,
  returnAnnPct: 21.191099249053224,
  volatilityAnnPct: 36.49716090702389,
  sharpe: 0.5806232244485349,
  sortino: 1.0853434352488662,
  calmar: 0.44166409202994605,
  profitFactor: 2.167945974262033,
  exposurePct: 96.74115456238361,
  buyAndHoldPct: 522.0601851851852,
  avgTradeDays: 46,
  maxTradeDays: 183,
};

const rel = (a: number | null, b: number) => Math.abs((a as number) - b) / Math.abs(b);

describeShared('golden: backtesting.py SmaCross(10, 30) on GOOG with finalize_trades=True = closeAtEnd', () => {
  const goog = readSharedCsv('goog_1d.csv');
  const fast = sma(goog.close, 10);
  const slow = sma(goog.close, 30);
  const { up, down } = crosses(fast, slow);
  const signals = { entries: up, exits: down, shortEntries: down, shortExits: up };
  const r = simulate(goog, signals, { direction: 'both', lotSize: 1, cash: 10_000, closeAtEnd: true });
  const m = computeMetrics(
    { time: goog.time, equity: r.equity, trades: r.trades, exposureBars: r.exposureBars, feesPaid: r.feesPaid, initialCash: 10_000, benchmarkClose: goog.close },
    { periodsPerYear: 252 },
  );
  const bt = BACKTESTING_PY_GOOG;
  const t = r.trades;
  const returns = Array.from(t.returnPct);

  it("uses backtesting.py's signals: its crossover is strict on both bars, and the SMAs never tie here", () => {
    for (let i = 0; i < goog.length; i++) expect(fast[i] === slow[i]).toBe(false);
  });

  it('reproduces the trade count, final and peak equity and return', () => {
    expect(m.tradeCount).toBe(bt.trades);
    expect(t.isOpen.every((x) => x === 0)).toBe(true);
    expect(t.exitReason[t.count - 1]).toBe(REASON_CLOSE_AT_END);
    expect(rel(m.finalEquity, bt.equityFinal)).toBeLessThan(1e-12);
    expect(rel(Math.max(...r.equity), bt.equityPeak)).toBeLessThan(1e-12);
    expect(rel(m.totalReturnPct, bt.returnPct)).toBeLessThan(1e-12);
  });

  it('reproduces the trade statistics: win rate, best, worst, geometric average, expectancy, SQN, Kelly', () => {
    expect(rel(m.winRatePct, bt.winRatePct)).toBeLessThan(1e-12);
    expect(rel(m.bestTradePct, bt.bestTradePct)).toBeLessThan(1e-9);
    expect(rel(m.worstTradePct, bt.worstTradePct)).toBeLessThan(1e-9);
    expect(rel(m.averageTradePct, bt.avgTradePct)).toBeLessThan(1e-9);
    expect(rel(m.expectancyPct, bt.expectancyPct)).toBeLessThan(1e-9);
    expect(rel(m.sqn, bt.sqn)).toBeLessThan(1e-9);
    expect(rel(m.kellyPct, bt.kelly * 100)).toBeLessThan(1e-9);
  });

  it('reproduces max drawdown, average drawdown depth, longest drawdown and CAGR', () => {
    expect(rel(m.maxDrawdownPct, -bt.maxDrawdownPct)).toBeLessThan(1e-12);
    expect(rel(m.averageDrawdownPct, -bt.avgDrawdownPct)).toBeLessThan(1e-9);
    expect(m.maxDrawdownDurationDays).toBe(bt.maxDrawdownDurationDays);
    expect(rel(m.cagrPct, bt.cagrPct)).toBeLessThan(1e-9);
  });

  it('stats defined differently agree when computed by backtesting.py\'s formulas from rrr\'s trades and equity', () => {
    // Profit factor: backtesting.py divides summed positive trade returns by summed negative ones (rrr: pnl).
    const gain = returns.filter((x) => x > 0).reduce((a, b) => a + b, 0);
    const loss = -returns.filter((x) => x < 0).reduce((a, b) => a + b, 0);
    expect(rel(gain / loss, bt.profitFactor)).toBeLessThan(1e-9);
    // Exposure: bars from each entry to its exit, both included (rrr: bars whose close holds a position).
    const held = new Uint8Array(goog.length);
    for (let k = 0; k < t.count; k++) held.fill(1, t.entryBar[k], t.exitBar[k] + 1);
    expect(rel((held.reduce((a, b) => a + b, 0) / goog.length) * 100, bt.exposurePct)).toBeLessThan(1e-12);
    // Buy & hold: from the first bar the strategy trades (index 29, the slow SMA's first value), not from bar 0.
    expect(rel((goog.close[goog.length - 1] / goog.close[29] - 1) * 100, bt.buyAndHoldPct)).toBeLessThan(1e-12);
    // Trade durations in days, rounded up to the data's resolution.
    const days = Array.from({ length: t.count }, (_, k) => (goog.time[t.exitBar[k]] - goog.time[t.entryBar[k]]) / 86_400_000);
    expect(Math.ceil(days.reduce((a, b) => a + b, 0) / days.length)).toBe(bt.avgTradeDays);
    expect(Math.max(...days)).toBe(bt.maxTradeDays);
    // Annualized return, volatility, Sharpe, Sortino, Calmar: geometric mean of daily returns compounded over
    // 252 days (no weekend bars), and its own volatility formula; rrr annualizes arithmetic means instead.
    const eq = r.equity;
    const d = Array.from({ length: eq.length - 1 }, (_, i) => eq[i + 1] / eq[i] - 1);
    const gmean = Math.exp(d.reduce((a, x) => a + Math.log1p(x), 0) / d.length) - 1;
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    const variance = d.reduce((a, x) => a + (x - mean) ** 2, 0) / (d.length - 1);
    const annRet = (1 + gmean) ** 252 - 1;
    const annVol = Math.sqrt((variance + (1 + gmean) ** 2) ** 252 - (1 + gmean) ** (2 * 252));
    expect(rel(annRet * 100, bt.returnAnnPct)).toBeLessThan(1e-9);
    expect(rel(annVol * 100, bt.volatilityAnnPct)).toBeLessThan(1e-9);
    expect(rel(annRet / annVol, bt.sharpe)).toBeLessThan(1e-9);
    const downside = Math.sqrt(d.reduce((a, x) => a + Math.min(x, 0) ** 2, 0) / d.length) * Math.sqrt(252);
    expect(rel(annRet / downside, bt.sortino)).toBeLessThan(1e-9);
    expect(rel(annRet / (m.maxDrawdownPct! / 100), bt.calmar)).toBeLessThan(1e-9);
  });

  it('without closeAtEnd the last trade stays open and out of the statistics (65 closed, one open)', () => {
    const open = simulate(goog, signals, { direction: 'both', lotSize: 1, cash: 10_000 });
    const mo = computeMetrics({ time: goog.time, equity: open.equity, trades: open.trades, exposureBars: open.exposureBars, feesPaid: 0, initialCash: 10_000 });
    expect(mo.tradeCount).toBe(65);
    expect(mo.openTrades).toHaveLength(1);
    expect(mo.openTrades[0]).toMatchObject({ direction: 'long', size: 64, entryPrice: 695, markPrice: goog.close[goog.length - 1] });
    // marked at the last close instead of sold at the last open: 64 x (806.19 - 797.80) more
    expect(open.finalEquity - r.finalEquity).toBeCloseTo(64 * (806.19 - 797.8), 9);
  });
});
