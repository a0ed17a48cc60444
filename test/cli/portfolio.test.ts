import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importBars } from '../../src/data/import.js';
import { withStore } from '../../src/data/store.js';
import { rrr, tempDir } from '../helpers/cli.js';

const DEMO = ['a', 'b', 'c'].map((x) => resolve(`datasets/demo-${x}_1d.csv`));
const files = DEMO.flatMap((f) => ['--data', f]);

describe('rrr portfolio', () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = tempDir();
    db = join(dir, 'store.duckdb');
    // Imported in this process (rrr data import has its own tests): three CLI starts fewer.
    await withStore(db, { create: true }, async (store) => {
      for (const [k, file] of DEMO.entries()) await importBars(store, [file], { symbol: `DEMO-${'ABC'[k]}`, timeframe: '1d' });
    });
  });

  it('runs a monthly min-variance backtest on stored symbols: JSON with metrics, turnover, bets, weight history; recorded as a run', () => {
    const r = rrr(['portfolio', '--symbol', 'DEMO-A', '--symbol', 'DEMO-B', '--symbol', 'DEMO-C', '--timeframe', '1d', '--method', 'min-variance', '--lookback', '1y', '--rebalance', 'monthly', '--turnover-cost', '0.001', '--db', db, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.json();
    expect(out.symbols).toEqual(['DEMO-A', 'DEMO-B', 'DEMO-C']);
    expect(out.periodsPerYear).toBe(365);
    expect(out.settings.feeRate).toBe(0.001);
    expect(out.rebalances.length).toBe(60); // 2020-01 .. 2024-12, one a month after the first year
    for (const row of out.rebalances) expect(Object.values(row.weights as Record<string, number>).reduce((s, w) => s + w, 0)).toBeCloseTo(1, 9);
    expect(out.metrics.sharpe).toEqual(expect.any(Number));
    expect(out.metrics.feesPaid).toBeGreaterThan(0);
    expect(out.turnover.perRebalance).toBeGreaterThan(0);
    expect(out.turnover.perYear).toBeCloseTo((out.turnover.perRebalance * 59) / ((2192 - out.rebalances[0].bar - 1) / 365), 9);
    expect(out.effectiveBets).toBeGreaterThanOrEqual(1);
    expect(out.effectiveBets).toBeLessThanOrEqual(3);
    const runs = rrr(['runs', 'list', '--db', db, '--json']).json();
    const listed = (Array.isArray(runs) ? runs : runs.runs).find((x: { id: number }) => x.id === out.runId);
    expect(listed).toMatchObject({ strategy: 'portfolio' });
    // A portfolio run is not a strategy run: re-running it through the backtest path is refused in one sentence.
    const again = rrr(['runs', 'rerun', String(out.runId), '--db', db]);
    expect(again.status).toBe(1);
    expect(again.stderr.trim()).toBe(`Error: Run ${out.runId} is a rebalancing portfolio backtest: re-run it with rrr portfolio and the settings "rrr runs show ${out.runId}" lists.`);
  });

  it('prints a report and writes weights and equity with --out DIR, the weight history alone with --out FILE', () => {
    const outDir = join(dir, 'out');
    const r = rrr(['portfolio', ...files, '--method', 'risk-parity', '--lookback', '180', '--rebalance', 'quarterly', '--out', outDir, '--db', db]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Portfolio\s+risk-parity, sample covariance, long only$/m);
    expect(r.stdout).toMatch(/^Rebalancing\s+quarterly on the last 180 bars of returns; \d+ rebalances from /m);
    expect(r.stdout).toMatch(/^Effective number of bets\s+[\d.]+$/m);
    for (const f of ['weights.csv', 'weights.parquet', 'equity.csv', 'equity.parquet']) expect(existsSync(join(outDir, f))).toBe(true);
    const weights = readFileSync(join(outDir, 'weights.csv'), 'utf8').trim().split('\n');
    expect(weights[0]).toBe('time,demo-a_1d,demo-b_1d,demo-c_1d,turnover,effective_bets,expected_return,volatility');
    const equity = readFileSync(join(outDir, 'equity.csv'), 'utf8').trim().split('\n');
    expect(equity[0]).toBe('time,equity,cash,weight_demo-a_1d,weight_demo-b_1d,weight_demo-c_1d');
    // The weight history alone, with --select choosing 2 of the 3 assets on the first window.
    const file = join(dir, 'history.csv');
    const again = rrr(['portfolio', ...files, '--method', 'max-sharpe', '--select', '2', '--seed', '7', '--lookback', '180', '--rebalance', 'quarterly', '--out', file, '--db', db, '--json']);
    expect(again.status).toBe(0);
    const json = again.json();
    expect(json.selection).toMatchObject({ k: 2, seed: 7, objective: 'max-sharpe', symbols: [expect.any(String), expect.any(String)] });
    const history = readFileSync(file, 'utf8').trim().split('\n');
    expect(history.length).toBe(json.rebalances.length + 1);
    const dropped = json.symbols.find((s: string) => !json.selection.symbols.includes(s));
    for (const row of json.rebalances) expect(row.weights[dropped]).toBe(0);
  });

  it('Black-Litterman takes annual views from a file', () => {
    const views = join(dir, 'views.json');
    writeFileSync(views, JSON.stringify([{ asset: 'DEMO-A', return: 0.2, confidence: 0.6 }, { long: 'DEMO-B', short: 'DEMO-C', return: 0.05 }]));
    const bl = rrr(['portfolio', '--symbol', 'DEMO-A', '--symbol', 'DEMO-B', '--symbol', 'DEMO-C', '-t', '1d', '--method', 'black-litterman', '--views', views, '--rebalance', 'quarterly', '--db', db, '--json']);
    expect(bl.stderr).toBe('');
    expect(bl.json().params.views[0]).toMatchObject({ assets: { 'DEMO-A': 1 }, return: expect.closeTo(0.2, 12) });
  });

  // --target-return and --views with the wrong method: test/research/portfolio/job.test.ts.
  const refusals: [string, string[], RegExp, number][] = [
    ['one asset', ['--data', DEMO[0], '--method', 'min-variance'], /^Error: A portfolio needs at least 2 assets \(got 1\): repeat --symbol/, 2],
    ['an unknown symbol', ['--symbol', 'DEMO-A', '--symbol', 'DEMO-D', '-t', '1d', '--method', 'hrp'], /^Error: Unknown symbol "DEMO-D" in .*Did you mean "DEMO-A"\?/, 1],
    ['a lookback longer than the data', [...files, '--method', 'hrp', '--lookback', '5000'], /^Error: --lookback 5000 needs 5000 returns and one bar to trade after them, but the data holds 2192 bars \(2191 returns/, 2],
    ['--rebalance 0', [...files, '--method', 'hrp', '--rebalance', '0'], /^Error: --rebalance 0 is empty/, 2],
    ['--stop-loss', [...files, '--method', 'max-sharpe', '--stop-loss', '0.05'], /^Error: portfolio sets target weights; --stop-loss applies to signal strategies only: remove it\./, 2],
    ['both --fees and --turnover-cost', [...files, '--method', 'hrp', '--fees', '0.001', '--turnover-cost', '0.002'], /^Error: --turnover-cost 0.002 and --fees 0.001 are the same setting/, 2],
  ];
  for (const [what, args, message, exit] of refusals) {
    it(`refuses ${what} in one sentence (exit ${exit})`, () => {
      const r = rrr(['portfolio', ...args, '--db', db]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.status).toBe(exit);
    });
  }
});
