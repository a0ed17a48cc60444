import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../src/engine/metrics.js';
import { assetPnl, assetWeights, calendarReturns, drawdownPeriods, histogramBins, rollingSharpe, rollingWindow, underwater } from '../../../src/report/html/backtest-stats.js';
import { runBacktest } from '../../../src/strategies/backtest.js';
import { builtinStrategy } from '../../../src/strategies/registry.js';
import { readCsvBars } from '../../helpers/shared.js';

const demo = (name: string) => readCsvBars(resolve(process.cwd(), `datasets/${name}_1d.csv`));

describe('drawdowns', () => {
  it('finds each episode: peak, trough, recovery, depth, length (hand-worked)', () => {
    //               0    1   2   3    4    5    6   7   8
    const equity = [100, 90, 80, 100, 110, 99, 88, 95, 105];
    expect(Array.from(underwater(equity), (v) => Number(v.toFixed(6)))).toEqual([0, -0.1, -0.2, 0, 0, -0.1, -0.2, -0.136364, -0.045455]);
    expect(drawdownPeriods(equity)).toEqual([
      // Both fell 20%: the earlier first.
      { start: 0, trough: 2, recovery: 3, depth: -0.19999999999999996, bars: 3 },
      // Never regained 110: its length runs to the last bar.
      { start: 4, trough: 6, recovery: null, depth: 88 / 110 - 1, bars: 4 },
    ]);
    expect(drawdownPeriods([1, 2, 3])).toEqual([]);
  });

  it('the deepest period is the max drawdown metric on a real run', () => {
    const bars = demo('demo-a');
    const run = runBacktest(bars, { strategy: builtinStrategy('sma-cross')!, periodsPerYear: 365 });
    const worst = drawdownPeriods(run.result.equity)[0];
    expect(-worst.depth * 100).toBeCloseTo(run.metrics.maxDrawdownPct!, 9);
    expect(Math.min(...underwater(run.result.equity))).toBeCloseTo(worst.depth, 12);
  });
});

describe('calendarReturns', () => {
  it('measures each month from the last bar of the one before, the first from the starting cash (hand-worked)', () => {
    const t = ['2020-01-30', '2020-01-31', '2020-02-03', '2020-02-28', '2020-03-02'].map((d) => Date.parse(`${d}T00:00:00Z`));
    const equity = [1000, 1100, 1000, 990, 1089];
    const months = calendarReturns(t, equity, 1000, 'month');
    expect(months.map((m) => m.period)).toEqual(['2020-01', '2020-02', '2020-03']);
    expect(months.map((m) => Number(m.value.toFixed(10)))).toEqual([0.1, -0.1, 0.1]);
    expect(calendarReturns(t, equity, 1000, 'year').map((y) => [y.period, Number(y.value.toFixed(10))])).toEqual([['2020', 0.089]]);
  });

  it('months compound to their year and years to the whole run', () => {
    const bars = demo('demo-b');
    const run = runBacktest(bars, { strategy: builtinStrategy('donchian-breakout')!, periodsPerYear: 365 });
    const cash = run.settings.cash;
    const months = calendarReturns(bars.time, run.result.equity, cash, 'month');
    const years = calendarReturns(bars.time, run.result.equity, cash, 'year');
    expect(years.length).toBeGreaterThan(3);
    for (const y of years) {
      const compounded = months.filter((m) => m.year === y.year).reduce((p, m) => p * (1 + m.value), 1) - 1;
      expect(compounded).toBeCloseTo(y.value, 10);
    }
    const total = years.reduce((p, y) => p * (1 + y.value), 1) - 1;
    expect(total * 100).toBeCloseTo(run.metrics.totalReturnPct!, 8);
  });
});

describe('rollingSharpe', () => {
  it('equals the Sharpe metric over a window spanning every return, and a direct computation at every bar', () => {
    const bars = demo('demo-c');
    const run = runBacktest(bars, { strategy: builtinStrategy('sma-cross')!, periodsPerYear: 365, riskFreeRate: 0.02 });
    const equity = run.result.equity;
    const n = equity.length;
    const whole = rollingSharpe(equity, n - 1, 365, 0.02);
    expect(whole[n - 1]).toBeCloseTo(run.metrics.sharpe!, 9);
    expect(whole[n - 2]).toBeNaN();
    // A second implementation: each window's mean and sample deviation recomputed from scratch.
    const w = 63;
    const rolled = rollingSharpe(equity, w, 365, 0.02);
    const rf = Math.pow(1.02, 1 / 365) - 1;
    for (const i of [w, w + 1, 500, 1000, n - 1]) {
      const r = Array.from({ length: w }, (_, k) => equity[i - w + 1 + k] / equity[i - w + k] - 1);
      const mean = r.reduce((s, v) => s + v, 0) / w;
      const sd = Math.sqrt(r.reduce((s, v) => s + (v - mean) ** 2, 0) / (w - 1));
      const expected = sd > 0 ? ((mean - rf) / sd) * Math.sqrt(365) : NaN;
      if (Number.isNaN(expected)) expect(rolled[i]).toBeNaN();
      else expect(rolled[i], `bar ${i}`).toBeCloseTo(expected, 8);
    }
    expect(rolled[w - 1]).toBeNaN();
    // A flat stretch (no position) has no Sharpe rather than an infinite one.
    expect(rollingSharpe([1, 1, 1, 1], 2, 365)[3]).toBeNaN();
  });

  it('the window is about a quarter, at least 20 bars, at most half the run', () => {
    expect(rollingWindow(2000, 252)).toBe(63);
    expect(rollingWindow(2000, 52)).toBe(20);
    expect(rollingWindow(60, 252)).toBe(30);
  });
});

describe('histogramBins', () => {
  it('counts every value once, in edges spanning the data', () => {
    const values = Array.from({ length: 500 }, (_, i) => Math.sin(i * 1.7) * 0.1 + (i % 7) * 0.01);
    const { edges, counts } = histogramBins(values);
    expect(edges.length).toBe(counts.length + 1);
    expect(counts.reduce((s, c) => s + c, 0)).toBe(500);
    expect(edges[0]).toBe(Math.min(...values));
    expect(edges.at(-1)).toBe(Math.max(...values));
    for (let k = 0; k < counts.length; k++) {
      const inBin = values.filter((v) => v >= edges[k] && (k === counts.length - 1 ? v <= edges[k + 1] : v < edges[k + 1])).length;
      expect(counts[k]).toBe(inBin);
    }
    expect(histogramBins([0.5, 0.5])).toEqual({ edges: [0, 1], counts: [2] });
  });
});

describe('per-asset P&L and weights', () => {
  it('the assets\' P&L plus the starting cash is the equity at every bar; weights are holdings over equity', () => {
    const series = [demo('demo-a'), demo('demo-b')];
    const run = runBacktest(series, { strategy: builtinStrategy('pairs')!, periodsPerYear: 365, sim: { feeRate: 0.001, slippageBps: 5 } });
    const result = run.result as { positions: Float64Array[]; equity: Float64Array; orders: Parameters<typeof assetPnl>[0] };
    expect(result.orders.count).toBeGreaterThan(10);
    const closes = series.map((b) => b.close);
    const pnl = assetPnl(result.orders, result.positions, closes);
    for (let t = 0; t < result.equity.length; t += 37) {
      expect(run.settings.cash + pnl[0][t] + pnl[1][t], `bar ${t}`).toBeCloseTo(result.equity[t], 6);
    }
    const weights = assetWeights(result.positions, closes, result.equity);
    const t = result.positions[0].findIndex((p) => p !== 0);
    expect(weights[0][t]).toBeCloseTo((result.positions[0][t] * closes[0][t]) / result.equity[t], 12);
    expect(weights[1][0]).toBe(0);
  });
});
