import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importBars } from '../../../src/data/import.js';
import { withStore } from '../../../src/data/store.js';
import { UserError } from '../../../src/errors.js';
import { riskJob } from '../../../src/research/risk/job.js';
import { fileSha, tempDir } from '../../helpers/cli.js';

const DAY = 86_400_000;
const START = Date.parse('2021-01-01T00:00:00Z');
const N = 120;
let db: string;
let x: number[];
let y: number[];
/** Days the benchmark has no bar (not adjacent): each removes the two periods that touch it. */
const MISSING = [10, 50, 51 + 20];

function csv(file: string, closes: number[], skip: number[] = []): string {
  const rows = closes.map((c, i) => (skip.includes(i) ? null : `${new Date(START + i * DAY).toISOString()},${c},${c * 1.01},${c * 0.99},${c},1000`)).filter((r) => r !== null);
  writeFileSync(file, `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
  return file;
}

beforeAll(async () => {
  const dir = tempDir('rrr-risk-job-');
  db = join(dir, 'store.duckdb');
  let s = 11;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.04;
  x = [100];
  y = [50];
  for (let i = 1; i < N; i++) {
    x.push(x[i - 1] * (1 + rand()));
    y.push(y[i - 1] * (1 + rand()));
  }
  // The benchmark's return each day is twice the equal-weight portfolio's, so its beta is exactly 1/2.
  const z = [10];
  for (let i = 1; i < N; i++) z.push(z[i - 1] * (1 + 2 * (0.5 * (x[i] / x[i - 1] - 1) + 0.5 * (y[i] / y[i - 1] - 1))));
  await withStore(db, { create: true }, async (store) => {
    await importBars(store, [csv(join(dir, 'x.csv'), x)], { symbol: 'X', timeframe: '1d' });
    await importBars(store, [csv(join(dir, 'y.csv'), y)], { symbol: 'Y', timeframe: '1d' });
    await importBars(store, [csv(join(dir, 'z.csv'), z, MISSING)], { symbol: 'Z', timeframe: '1d', keepInvalid: false });
  });
});

const settings = { simulations: 5000, backtestWindow: 30 };

describe('riskJob on a static portfolio', () => {
  it('holds equal weights when none are given, and says so; reads the store without writing to it', async () => {
    const before = fileSha(db);
    const job = await riskJob({ portfolio: { symbols: ['X', 'Y'], timeframe: '1d' }, db, settings });
    expect(fileSha(db)).toBe(before);
    expect(job.source.weights).toEqual([0.5, 0.5]);
    expect(job.source.describes).toMatch(/rebalanced to equal weights \(no --weights given\) at every 1d bar/);
    const returns = x.slice(1).map((_, t) => 0.5 * (x[t + 1] / x[t] - 1) + 0.5 * (y[t + 1] / y[t] - 1));
    expect(job.report.moments.count).toBe(N - 1);
    expect(job.report.moments.mean).toBeCloseTo(returns.reduce((a, b) => a + b, 0) / returns.length, 15);
    expect(job.report.varBacktest![0].kupiec.observations).toBe(N - 1 - 30);
  });

  it('measures beta only over periods the benchmark has both ends of', async () => {
    const job = await riskJob({ portfolio: { symbols: ['X', 'Y'], timeframe: '1d' }, db, benchmark: 'Z', settings });
    expect(job.report.beta!.observations).toBe(N - 1 - 2 * MISSING.length);
    expect(job.report.beta!.beta).toBeCloseTo(0.5, 10);
    expect(job.report.beta!.correlation).toBeCloseTo(1, 10);
    expect(job.report.metrics.beta).toBe(job.report.beta!.beta);
  });

  it('refuses a symbol twice, a missing portfolio, and --risk-free on a backtest, each in one sentence', async () => {
    const twice = await riskJob({ portfolio: { symbols: ['X', 'X'], weights: [0.5, 0.5], timeframe: '1d' }, db }).catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(UserError);
    expect((twice as Error).message).toBe('--symbol X is given twice: give each symbol once and its whole weight.');
    await expect(riskJob({ db })).rejects.toThrow(/^Say which portfolio to analyse, one way only/);
    await expect(riskJob({ db, backtest: { strategy: 'sma-cross', symbols: ['X'], timeframe: '1d', db, riskFreeRate: 0.04 } })).rejects.toThrow(/^--risk-free applies to the Sharpe/);
  });

  it('uses a backtest\'s average exposure (position x close / equity) as its asset weights', async () => {
    // A strategy that buys at once and holds half its equity: filled at bar 1's open, then drifting with X.
    const file = join(tempDir('rrr-risk-strategy-'), 'hold-half.mjs');
    writeFileSync(file, `export default { name: 'hold-half', params: {}, warmup: () => 0, signals: (bars) => { const e = new Uint8Array(bars.length); e[0] = 1; return { entries: e, exits: new Uint8Array(bars.length) }; } };\n`);
    const job = await riskJob({ backtest: { strategy: file, symbols: ['X'], timeframe: '1d', db, size: '50%' }, db, settings });
    expect(job.source.kind).toBe('backtest');
    // By hand from the bars (open = close in this data): units = 5000 / open[1], cash = 10000 - 5000.
    const units = 5000 / x[1];
    let sum = 0;
    for (let t = 1; t < N - 1; t++) sum += (units * x[t]) / (5000 + units * x[t]);
    expect(job.source.weights[0]).toBeCloseTo(sum / (N - 1), 12);
    expect(job.report.concentration!.herfindahl).toBeCloseTo(1, 12);
    expect(job.report.riskContribution![0].share).toBeCloseTo(1, 12);
    // Monte Carlo draws the backtest's own returns (its weights move), not the asset at its average weight:
    // it agrees with the normal VaR of those returns within 4 standard errors.
    for (const c of [95, 99]) {
      const mc = job.report.var.find((v) => v.method === 'monte-carlo' && v.confidence === c && v.horizon === 1)!;
      const normal = job.report.var.find((v) => v.method === 'normal' && v.confidence === c && v.horizon === 1)!;
      expect(Math.abs(mc.var - normal.var)).toBeLessThan(4 * mc.standardError!);
    }
  });
});
