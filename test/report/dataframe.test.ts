import { describe, expect, it } from 'vitest';
import { formatTime } from '../../src/data/time.js';
import { ordersToObjects, tradesToObjects } from '../../src/engine/records.js';
import type { RunRecord } from '../../src/data/runs.js';
import { columnsOf, equityColumns, toDataFrame } from '../../src/report/dataframe.js';
import { runBacktest } from '../../src/strategies/backtest.js';
import { builtinStrategy } from '../../src/strategies/registry.js';
import { readCsvBars } from '../helpers/shared.js';

const bars = readCsvBars('datasets/demo-a_1d.csv');
const backtest = runBacktest(bars, { strategy: builtinStrategy('sma-cross')!, sim: { feeRate: 0.001 }, periodsPerYear: 365 });

/** The frame's rows as objects keyed by its columns, to compare with the row-object renderers. */
const rowsOf = (df: { columns: string[]; values: unknown[][] }) => df.values.map((row) => Object.fromEntries(df.columns.map((c, k) => [c, row[k]])));

describe('toDataFrame against the row-object renderers (second implementation)', () => {
  it('trades: one row per round trip, the same values as tradesToObjects', async () => {
    const trades = backtest.result.trades;
    expect(trades.count).toBeGreaterThan(10);
    const df = await toDataFrame(trades, { bars, symbols: ['DEMO-A'] });
    expect(df.columns).toEqual(['asset', 'symbol', 'direction', 'entryBar', 'exitBar', 'entryTime', 'exitTime', 'entryPrice', 'exitPrice', 'size', 'fees', 'pnl', 'returnPct', 'exitReason', 'isOpen']);
    expect(rowsOf(df)).toEqual(tradesToObjects(trades, bars, ['DEMO-A']));
    // Without bars and symbols, no time or symbol columns.
    const plain = await toDataFrame(trades);
    expect(plain.columns).toEqual(['asset', 'direction', 'entryBar', 'exitBar', 'entryPrice', 'exitPrice', 'size', 'fees', 'pnl', 'returnPct', 'exitReason', 'isOpen']);
  });

  it('orders: one row per fill, the same values as ordersToObjects', async () => {
    const orders = backtest.result.orders;
    const df = await toDataFrame(orders, { bars, symbols: ['DEMO-A'] });
    expect(df.columns).toEqual(['asset', 'symbol', 'bar', 'time', 'side', 'price', 'size', 'fee', 'slippage', 'reason']);
    expect(rowsOf(df)).toEqual(ordersToObjects(orders, bars, ['DEMO-A']));
  });

  it('bars: time as ISO-8601 text, prices and volume as they are', async () => {
    const df = await toDataFrame(bars);
    expect(df.shape).toEqual([bars.length, 6]);
    for (const i of [0, 1000, bars.length - 1]) {
      expect(df.values[i]).toEqual([formatTime(bars.time[i]), bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]]);
    }
    expect(df.values[0][0]).toBe('2019-01-01T00:00:00Z');
  });

  it('a backtest result: per-bar equity, cash and position, with times from the bars', async () => {
    const df = await toDataFrame(backtest, { bars });
    expect(df.columns).toEqual(['time', 'equity', 'cash', 'position']);
    const sim = backtest.result as { equity: Float64Array; cash: Float64Array; position: Float64Array };
    expect(df.values.map((r: unknown[]) => r[1])).toEqual(Array.from(sim.equity));
    expect(df.values.map((r: unknown[]) => r[3])).toEqual(Array.from(sim.position));
    // Accounting seen through the frame: equity = cash + position x close at every bar.
    for (const [t, row] of df.values.entries()) expect(row[1] as number).toBeCloseTo((row[2] as number) + (row[3] as number) * bars.close[t], 6);
  });

  it('a portfolio result: one position column per asset, named by symbol', () => {
    const columns = equityColumns({ equity: new Float64Array([1, 2]), cash: new Float64Array([1, 0]), positions: [new Float64Array([0, 1]), new Float64Array([0, 2])] } as never, { symbols: ['A', 'B'] });
    expect(Object.keys(columns)).toEqual(['equity', 'cash', 'position A', 'position B']);
    expect(Array.from(columns['position B'])).toEqual([0, 2]);
  });

  it('recorded runs and trials: parameters and metrics as their own columns (hand-written)', async () => {
    const run: RunRecord = {
      id: 3, createdAt: '2026-01-02T03:04:05Z', strategy: 'sma-cross', symbols: ['A', 'B'], timeframe: '1d', from: '2020-01-01', to: '2020-12-31',
      params: { fast: 10, slow: 50 }, settings: { cash: 10000 }, dataFingerprint: 'abc', metrics: { sharpe: 1.25, tradeCount: 4 }, tags: ['x', 'y'],
    };
    const runs = await toDataFrame([run, { ...run, id: 4, params: { fast: 5, slow: 50 }, tags: [] }]);
    expect(runs.columns).toEqual(['id', 'createdAt', 'strategy', 'symbols', 'timeframe', 'from', 'to', 'param.fast', 'param.slow', 'metric.sharpe', 'metric.tradeCount', 'tags', 'dataFingerprint']);
    expect(runs.values[1]).toEqual([4, '2026-01-02T03:04:05Z', 'sma-cross', 'A,B', '1d', '2020-01-01', '2020-12-31', 5, 50, 1.25, 4, '', 'abc']);

    const trials = columnsOf([
      { number: 0, params: { a: 1, b: 'x' }, state: 'complete', value: 0.5, metrics: { sharpe: 0.5 } },
      { number: 1, params: { a: 2, b: 'y' }, state: 'pruned', metrics: {} },
    ]);
    expect(trials).toEqual({ number: [0, 1], state: ['complete', 'pruned'], value: [0.5, null], 'param.a': [1, 2], 'param.b': ['x', 'y'], 'metric.sharpe': [0.5, null] });
  });

  it('an empty trade log is a frame with the columns and no rows', async () => {
    const none = { ...backtest.result.trades, count: 0 };
    const df = await toDataFrame(none);
    expect(df.shape).toEqual([0, 12]);
    expect(df.columns[0]).toBe('asset');
  });

  it('refuses what it does not know with one sentence', () => {
    expect(() => columnsOf(new Map() as never)).toThrow('toDataFrame takes a trade or order log, bars, a backtest or simulation result, recorded runs, trials, or a list of plain objects.');
  });
});
