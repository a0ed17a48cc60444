import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalQuantile } from '../../src/stats/normal.js';
import { fileSha, rrr, tempDir } from '../helpers/cli.js';

let db: string;
// rrr demo records run 1: sma-cross on DEMO-A 1d with 0.1% fees and 2 bps slippage.
const DEMO_RUN = ['--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1d', '--fees', '0.001', '--slippage', '2'];
const STATIC = ['--symbol', 'DEMO-A', '--symbol', 'DEMO-B', '--weights', '0.6,0.4', '--timeframe', '1d'];
const FAST = ['--simulations', '5000'];

/** Closes of a shipped demo CSV, read without rrr: the independent side of the comparison. */
function closes(file: string): number[] {
  return readFileSync(join('datasets', file), 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(',')[4]));
}

beforeAll(() => {
  db = join(tempDir('rrr-risk-'), 'store.duckdb');
  expect(rrr(['demo', '--db', db]).status).toBe(0);
});

describe('rrr risk', () => {
  it('a static portfolio: historical and normal VaR equal a computation from the CSV files, and the store is untouched', () => {
    const before = fileSha(db);
    const r = rrr(['risk', ...STATIC, ...FAST, '--db', db, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(fileSha(db)).toBe(before);
    const a = closes('demo-a_1d.csv');
    const b = closes('demo-b_1d.csv');
    const returns = a.slice(1).map((_, t) => 0.6 * (a[t + 1] / a[t] - 1) + 0.4 * (b[t + 1] / b[t] - 1));
    const sorted = [...returns].sort((x, y) => x - y);
    const n = returns.length;
    const json = r.json();
    expect(json.source.returns).toBe(n);
    expect(json.source.weights).toEqual([0.6, 0.4]);
    for (const c of [95, 99]) {
      const k = Math.ceil(((100 - c) / 100) * n - 1e-9);
      expect(json.metrics[`var${c}Pct`]).toBeCloseTo(-sorted[k - 1] * 100, 10);
      expect(json.metrics[`cvar${c}Pct`]).toBeCloseTo((-sorted.slice(0, k).reduce((x, y) => x + y, 0) / k) * 100, 10);
      const mean = returns.reduce((x, y) => x + y, 0) / n;
      const sd = Math.sqrt(returns.reduce((x, y) => x + (y - mean) ** 2, 0) / (n - 1));
      expect(json.metrics[`var${c}NormalPct`]).toBeCloseTo((-mean + sd * normalQuantile(c / 100)) * 100, 9);
      // The assets drawn from their multivariate normal give the portfolio's normal VaR, within 4 standard errors.
      const mc = json.var.find((v: { method: string; confidence: number; horizon: number }) => v.method === 'monte-carlo' && v.confidence === c && v.horizon === 1);
      expect(Math.abs(json.metrics[`var${c}MonteCarloPct`] - json.metrics[`var${c}NormalPct`])).toBeLessThan(4 * mc.standardError * 100);
    }
    // Asset figures: weights as given, shares of variance summing to 1, one pair of correlations.
    expect(json.concentration.herfindahl).toBeCloseTo(0.36 + 0.16, 12);
    expect(json.riskContribution.reduce((s: number, c: { share: number }) => s + c.share, 0)).toBeCloseTo(1, 12);
    expect(json.correlation.pairs).toHaveLength(1);
    expect(json.stress.map((s: { id: string }) => s.id)).toEqual(['crisis-2008', 'crash-2020', 'crypto-winter-2022', 'rates-shock', 'volatility-spike', 'liquidity-gap']);
    // The demo data spans 2019-2024: the 2020 and 2022 windows are replayed, 2008 is not covered.
    expect(json.stress.map((s: { covered?: boolean }) => s.covered)).toEqual([false, true, true, undefined, undefined, undefined]);
    expect(json.varBacktest).toHaveLength(6);
  });

  it('--run gives the same report as the same backtest given by its flags', () => {
    const before = fileSha(db);
    const fromRun = rrr(['risk', '--run', '1', ...FAST, '--horizon', '5', '--db', db, '--json']);
    expect(fromRun.status, fromRun.stderr).toBe(0);
    expect(fileSha(db)).toBe(before);
    const direct = rrr(['risk', ...DEMO_RUN, ...FAST, '--horizon', '5', '--db', db, '--json']);
    expect(direct.status, direct.stderr).toBe(0);
    const a = fromRun.json();
    const b = direct.json();
    expect(a.source).toMatchObject({ kind: 'run', runId: 1, strategy: 'sma-cross' });
    expect(b.source).toMatchObject({ kind: 'backtest', runId: null });
    const { source: _a, ...restA } = a;
    const { source: _b, ...restB } = b;
    expect(restA).toEqual(restB);
    expect(Object.keys(a.metrics)).toEqual(expect.arrayContaining(['var95Pct', 'cvar99MonteCarloPct', 'var95HorizonPct', 'var99CornishFisherHorizonPct', 'kupiec95PValue', 'exceptions99']));
    // Nothing was recorded: the demo's run is still the only one.
    expect(rrr(['runs', 'list', '--db', db, '--json']).json().runs.map((run: { id: number }) => run.id)).toEqual([1]);
  });

  it('prints the tables, the assumptions and beta; --assert passes or fails with exit 1', () => {
    const r = rrr(['risk', ...STATIC, ...FAST, '--benchmark', 'DEMO-C', '--assert', 'var95Pct<50', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Risk of a static portfolio of DEMO-A, DEMO-B rebalanced to the fixed weights at every 1d bar/);
    expect(r.stdout).toMatch(/\nhistorical +1 +\d+\.\d\d% +\d+\.\d\d% +\d+\.\d\d% +\d+\.\d\d%\n/);
    expect(r.stdout).toMatch(/\nMonte Carlo +1 /);
    expect(r.stdout).toMatch(/VaR backtest: one-period VaR re-estimated at every period from the 250 before it/);
    expect(r.stdout).toMatch(/- 2008-09 financial crisis: assumes the data does not cover 2008-09-15 \.\. 2009-03-09, so a parametric equivalent/);
    expect(r.stdout).toMatch(/Beta to DEMO-C: -?\d\.\d{3} \(correlation -?\d\.\d{3}, \d+ periods\)\./);
    expect(r.stdout).toMatch(/\nPASS var95Pct<50 \(var95Pct = \d/);
    const failed = rrr(['risk', ...STATIC, ...FAST, '--assert', 'var95Pct<0.5', '--db', db]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/^Failed: var95Pct<0\.5 \(var95Pct is \d+\.\d+\)\.\n$/);
  });

  const refusals: [string, string[], number, RegExp][] = [
    ['an unknown run', ['--run', '99'], 1, /^Error: There is no run 99 in .*: the newest is 1 \(see "rrr runs list"\)\.\n$/],
    ['weights that do not match the symbols', [...STATIC.slice(0, 4), '--weights', '0.5,0.3,0.2', '--timeframe', '1d'], 2, /^Error: --weights has 3 values for 2 symbols \(DEMO-A, DEMO-B\): give one weight per --symbol, in the same order\.\n$/],
    ['weights that do not sum to 1', [...STATIC.slice(0, 4), '--weights', '0.5,0.4', '--timeframe', '1d'], 2, /^Error: --weights sum to 0\.9, not 1: give fractions of the portfolio that add up to 1, e\.g\. 0\.6,0\.4\.\n$/],
    ['--confidence 100', [...STATIC, '--confidence', '95,100'], 2, /^Error: --confidence 100 is not valid: give percentages above 50 and below 100, e\.g\. 95,99\.\n$/],
    ['--confidence 50', [...STATIC, '--confidence', '50'], 2, /^Error: --confidence 50 is not valid/],
    ['a horizon longer than the data', [...STATIC, '--from', '2024-12-01', '--horizon', '40'], 2, /^Error: --horizon 40 is longer than the data: 2024-12-01T00:00:00Z \.\. 2024-12-31T00:00:00Z holds 30 1d returns; give a horizon of at most 30/],
    ['--simulations 0', [...STATIC, '--simulations', '0'], 2, /^Error: --simulations 0 is not valid: give a whole number of Monte Carlo draws from 1 to 100000000, e\.g\. 100000\.\n$/],
    ['an unknown benchmark', [...STATIC, '--benchmark', 'DEMO-Q'], 1, /^Error: Unknown symbol "DEMO-Q" in .*\n$/],
    ['an unknown metric in --assert', [...STATIC, '--assert', 'var96Pct<3'], 2, /^Error: --assert "var96Pct<3": unknown metric "var96Pct"\. Did you mean/],
    ['--weights with --strategy', [...DEMO_RUN, '--weights', '1'], 2, /^Error: --weights sets a static portfolio, and --strategy a backtest/],
    ['a backtest flag without --strategy', [...STATIC, '--stop-loss', '0.05'], 2, /^Error: --stop-loss applies to a backtest: give --strategy with it, or remove it for a static portfolio/],
    ['--run with backtest flags', ['--run', '1', '--fees', '0.01'], 2, /^Error: --run re-runs the recorded run with its own settings: remove --fees/],
    ['nothing to analyse', ['--confidence', '95'], 2, /^Error: Say which portfolio to analyse: --run RUN_ID/],
  ];
  it.each(refusals)('refuses %s in one sentence', (_what, args, code, message) => {
    const r = rrr(['risk', ...args, '--db', db]);
    expect(r.stderr).toMatch(message);
    expect(r.status, r.stderr).toBe(code);
    expect(r.stdout).toBe('');
  });
});
