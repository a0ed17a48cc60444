import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importDemo } from '../../src/data/demo.js';
import { importBars } from '../../src/data/import.js';
import { recordRun } from '../../src/data/runs.js';
import { withStore } from '../../src/data/store.js';
import { UserError } from '../../src/errors.js';
import { prepareBacktest, runBacktestJob, type BacktestJobOptions } from '../../src/research/backtest-job.js';
import { monteCarlo, type MonteCarloOptions } from '../../src/research/montecarlo/index.js';
import { monteCarloJob, type MonteCarloJobResult } from '../../src/research/montecarlo/job.js';
import { barReturns, tradeReturns } from '../../src/research/backtest-returns.js';
import { monteCarloParallel, pathSlices } from '../../src/research/montecarlo/parallel.js';
import { mulberry32 } from '../../src/data/synthetic.js';
import { runBacktest } from '../../src/strategies/backtest.js';
import { fileSha, tempDir } from '../helpers/cli.js';

let dir: string;
let db: string;
let runId: string;

const demoBacktest = (extra: Partial<BacktestJobOptions> = {}): BacktestJobOptions => ({ strategy: 'sma-cross', symbols: ['DEMO-A'], timeframe: '1d', db, ...extra });

beforeAll(async () => {
  dir = tempDir('rrr-mc-job-');
  db = join(dir, 'store.duckdb');
  await withStore(db, { create: true }, (store) => importDemo(store));
  const job = await runBacktestJob(demoBacktest({ params: { fast: '12', slow: '40' }, sim: { feeRate: 0.001 } }));
  runId = String(job.runId);
});

/** The job's result without the one field that says where the backtest came from. */
function withoutRunId(job: MonteCarloJobResult) {
  return { ...job, backtest: { ...job.backtest, runId: null } };
}

async function demoRun(extra: Partial<BacktestJobOptions> = {}) {
  const prepared = await prepareBacktest(demoBacktest(extra));
  return runBacktest(prepared.series[0], { strategy: prepared.strategy, params: extra.params, sim: prepared.sim, periodsPerYear: prepared.periodsPerYear });
}

async function rejection(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe('the returns a backtest is resampled from', () => {
  it('trade returns over the equity before each entry compound to the equity after the last closed trade', async () => {
    const backtest = await demoRun({ sim: { feeRate: 0.001 } });
    const { trades, equity } = backtest.result;
    const r = tradeReturns(backtest, 'compound');
    let closed = 0;
    let lastExit = -1;
    for (let i = 0; i < trades.count; i++) if (!trades.isOpen[i]) (closed++, (lastExit = trades.exitBar[i]));
    expect(r.length).toBe(closed);
    let walked = 10_000;
    for (const x of r) walked *= 1 + x;
    // Flat after an exit, equity is cash: the bar of the last exit holds it (sma-cross holds one position at a time).
    expect(walked / equity[lastExit] - 1).toBeCloseTo(0, 12);
  });

  it('fixed sizing (--size cash:2000) adds each trade\'s profit as a fraction of the starting cash', async () => {
    const backtest = await demoRun({ size: 'cash:2000' });
    const r = tradeReturns(backtest, 'fixed');
    const { trades } = backtest.result;
    let pnl = 0;
    for (let i = 0; i < trades.count; i++) if (!trades.isOpen[i]) pnl += trades.pnl[i];
    expect(r.reduce((a, b) => a + b, 0) * 10_000).toBeCloseTo(pnl, 8);
    const job = await monteCarloJob({ backtest: demoBacktest({ size: 'cash:2000' }), db, method: 'permute', runs: 50, seed: 1 });
    expect(job.input.sizing).toBe('fixed');
    expect(job.result.actual.finalReturn * 10_000).toBeCloseTo(pnl, 8);
  });

  it('per-bar returns give the backtest\'s own final return, max drawdown and Sharpe (its metrics, a second implementation)', async () => {
    const job = await monteCarloJob({ backtest: demoBacktest({ sim: { feeRate: 0.001 } }), db, method: 'returns', runs: 200, seed: 3 });
    const metrics = (await demoRun({ sim: { feeRate: 0.001 } })).metrics;
    expect(job.result.actual.finalReturn * 100).toBeCloseTo(metrics.totalReturnPct!, 10);
    expect(job.result.actual.maxDrawdown * 100).toBeCloseTo(metrics.maxDrawdownPct!, 10);
    expect(job.result.actual.sharpe).toBeCloseTo(metrics.sharpe!, 10);
    expect(job.input.steps).toBe(barReturns(await demoRun({ sim: { feeRate: 0.001 } })).length);
  });
});

describe('monteCarloJob', () => {
  it('re-runs a recorded run to exactly the result of the same settings given directly, writing nothing', async () => {
    const before = fileSha(db);
    const fromRun = await monteCarloJob({ run: runId, db, method: 'bootstrap', runs: 500, seed: 42 });
    const direct = await monteCarloJob({ backtest: demoBacktest({ params: { fast: '12', slow: '40' }, sim: { feeRate: 0.001 } }), db, method: 'bootstrap', runs: 500, seed: 42 });
    expect(fromRun.backtest.runId).toBe(Number(runId));
    expect(withoutRunId(fromRun)).toEqual(withoutRunId(direct));
    expect(fileSha(db)).toBe(before);
  });

  it('gives the same paths for the same seed and others for another seed', async () => {
    const run = (seed: number) => monteCarloJob({ run: runId, db, method: 'returns', runs: 300, seed });
    const [a, b, c] = [await run(3), await run(3), await run(4)];
    expect(a).toEqual(b);
    expect(c.result.paths.finalReturn).not.toEqual(a.result.paths.finalReturn);
  });

  it('ranks the actual result consistently with the paths it was drawn against', async () => {
    const { result } = await monteCarloJob({ run: runId, db, method: 'block', runs: 2000, seed: 9 });
    const { paths, actual } = result;
    for (const [values, x, rank] of [
      [paths.finalReturn, actual.finalReturn, actual.finalReturnRank],
      [paths.maxDrawdown, actual.maxDrawdown, actual.maxDrawdownRank],
      [paths.sharpe, actual.sharpe, actual.sharpeRank],
    ] as const) {
      const finite = Array.from(values).filter(Number.isFinite);
      const below = finite.filter((v) => v < x).length;
      const equal = finite.filter((v) => v === x).length;
      expect(rank).toBeCloseTo(((below + equal / 2) / finite.length) * 100, 10);
    }
    // A rank under 50 sits under the median and above it over the median, for each distribution.
    const sides = (rank: number, x: number, median: number) => (rank < 50 ? x <= median : x >= median);
    expect(sides(actual.finalReturnRank!, actual.finalReturn, result.finalReturn!.p50)).toBe(true);
    expect(sides(actual.maxDrawdownRank, actual.maxDrawdown, result.maxDrawdown.p50)).toBe(true);
    expect(sides(actual.sharpeRank!, actual.sharpe, result.sharpe!.p50)).toBe(true);
  });

  it('permutation keeps every path\'s final equity at the actual one and reports no final-return distribution', async () => {
    const { result } = await monteCarloJob({ run: runId, db, method: 'permute', runs: 300, seed: 5 });
    expect(result.finalReturn).toBeNull();
    for (const v of result.paths.finalReturn) expect(Math.abs(v - result.actual.finalReturn)).toBeLessThan(1e-12);
  });

  it('refuses a run id that does not exist, naming the newest', async () => {
    const error = await rejection(monteCarloJob({ run: '999', db, method: 'bootstrap', runs: 10, seed: 1 }));
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(/There is no run 999 .*the newest is \d+/);
  });

  it('refuses a run whose strategy no longer exists', async () => {
    const gone = await withStore(db, {}, (store) =>
      recordRun(store, { strategy: 'my-old-strategy', symbols: ['DEMO-A'], timeframe: '1d', from: '2019-01-01T00:00:00Z', to: '2024-12-31T00:00:00Z', params: {}, settings: {}, dataFingerprint: 'x', metrics: {} }),
    );
    const error = await rejection(monteCarloJob({ run: String(gone), db, method: 'bootstrap', runs: 10, seed: 1 }));
    expect(error.code).toBe('RRR_RUN_STRATEGY_GONE');
    expect(error.message).toMatch(/"my-old-strategy", which is not a built-in strategy/);
  });

  it('refuses a run made from a file, which the store does not hold, and says how to re-run it', async () => {
    const fromFile = await runBacktestJob({ strategy: 'sma-cross', files: ['datasets/demo-b_1d.csv'], db });
    const error = await rejection(monteCarloJob({ run: String(fromFile.runId), db, method: 'bootstrap', runs: 10, seed: 1 }));
    expect(error.code).toBe('RRR_RUN_DATA_MISSING');
    expect(error.message).toMatch(/is re-run with --data FILE and the run's other flags instead of --run\.$/);
  });

  it('refuses too few closed trades for the trade methods and names the methods that work', async () => {
    const backtest = demoBacktest({ range: { from: Date.parse('2019-01-01'), to: Date.parse('2019-05-01') } });
    const error = await rejection(monteCarloJob({ backtest, db, method: 'permute', runs: 10, seed: 1 }));
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe('The backtest closed 1 trade: --method permute resamples closed trades and needs at least 2; use --method returns or block, which resample per-bar returns.');
    const returns = await monteCarloJob({ backtest, db, method: 'returns', runs: 10, seed: 1 });
    expect(returns.input.kind).toBe('returns');
  });

  it('refuses a run whose data changed since it was recorded (last test: it changes the store)', async () => {
    const file = join(dir, 'one-bar.csv');
    writeFileSync(file, 'timestamp,open,high,low,close,volume\n2019-01-02T00:00:00Z,3836.28,3871.15,3806.7,3866.86,21098\n');
    await withStore(db, {}, (store) => importBars(store, [file], { symbol: 'DEMO-A', timeframe: '1d' }));
    const error = await rejection(monteCarloJob({ run: runId, db, method: 'bootstrap', runs: 10, seed: 1 }));
    expect(error.code).toBe('RRR_RUN_DATA_CHANGED');
    expect(error.message).toMatch(new RegExp(`^Run ${runId}'s data changed since it was recorded \\(DEMO-A 1d .*\\): re-run rrr backtest`));
  });
});

/** AR(1) returns (phi 0.5), so the automatic block length is above 1 and every slice must use the same. */
function ar1(n: number): Float64Array {
  const rand = mulberry32(11);
  const out = new Float64Array(n);
  let prev = 0;
  for (let i = 0; i < n; i++) out[i] = prev = 0.5 * prev + 0.02 * (rand() - 0.49);
  return out;
}

describe('monteCarloParallel', () => {
  it('slices [0, runs) into contiguous ranges, one per worker', () => {
    expect(pathSlices(10, 3)).toEqual([[0, 3], [3, 6], [6, 10]]);
    expect(pathSlices(2, 4)).toEqual([[0, 1], [1, 2]]);
  });

  it('gives the one-thread result bit for bit on 3 worker threads', async () => {
    const series = ar1(300);
    const options: MonteCarloOptions = { returns: series, initialEquity: 1000, method: 'block', runs: 1001, seed: 42, periodsPerYear: 252 };
    const one = monteCarlo(options);
    expect(one.settings.blockLength).toBeGreaterThan(1);
    // 3 threads over 1001 paths: uneven slices (333, 334, 334); the CLI test covers 2 on the built code.
    expect(await monteCarloParallel(options, 3)).toEqual(one);
  }, 60_000);

  it('refuses a bad value before starting any thread', async () => {
    const options: MonteCarloOptions = { trades: ar1(10), initialEquity: 1000, method: 'permute', runs: 0, seed: 1 };
    await expect(monteCarloParallel(options, 2)).rejects.toThrow(/runs must be a whole number from 1/);
    await expect(monteCarloParallel({ ...options, runs: 5 }, 0)).rejects.toThrow(/workers must be a whole number, 1 or more, not 0/);
  });
});
