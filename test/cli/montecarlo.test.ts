import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileSha, rrr, tempDir } from '../helpers/cli.js';

let db: string;
const DEMO = ['--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1d', '--param', 'fast=12', '--param', 'slow=40', '--fees', '0.001'];

beforeAll(() => {
  db = join(tempDir('rrr-montecarlo-'), 'store.duckdb');
  expect(rrr(['demo', '--db', db]).status).toBe(0);
  const recorded = rrr(['backtest', ...DEMO, '--db', db, '--json']);
  expect(recorded.status, recorded.stderr).toBe(0);
  expect(recorded.json().runId).toBe(2);
});

describe('rrr montecarlo', () => {
  it('--run gives the same JSON as the same flags given directly, and leaves the store file as it was', () => {
    const before = fileSha(db);
    const fromRun = rrr(['montecarlo', '--run', '2', '--runs', '2000', '--method', 'block', '--seed', '7', '--db', db, '--json']);
    expect(fromRun.status, fromRun.stderr).toBe(0);
    expect(fileSha(db)).toBe(before);
    // Given directly, and split over 2 worker threads: the same result.
    const direct = rrr(['montecarlo', ...DEMO, '--runs', '2000', '--method', 'block', '--seed', '7', '--workers', '2', '--db', db, '--json']);
    expect(direct.status, direct.stderr).toBe(0);
    const a = fromRun.json();
    const b = direct.json();
    expect(a.backtest.runId).toBe(2);
    expect(b.backtest.runId).toBeNull();
    expect({ ...a, backtest: { ...a.backtest, runId: null } }).toEqual(b);
    // Everything the text shows is in the JSON.
    expect(a.settings).toMatchObject({ method: 'block', runs: 2000, seed: 7, ruinLevel: 0.5 });
    expect(a.bands.steps).toHaveLength(101);
    expect(Object.keys(a.finalReturn)).toEqual(['count', 'mean', 'min', 'max', 'p5', 'p25', 'p50', 'p75', 'p95']);
    expect(a.ruin.ruined).toBe(Math.round(a.ruin.probability * 2000));
    expect(a.ruin.ci95[0]).toBeLessThanOrEqual(a.ruin.probability);
    expect(a.paths).toBeUndefined();
    // Nothing was recorded: the newest run is still the backtest's.
    expect(rrr(['runs', 'list', '--db', db, '--json']).json().runs.map((run: { id: number }) => run.id)).toEqual([2, 1]);
  });

  it('prints bands, distributions with the actual rank, and ruin with its interval', () => {
    const r = rrr(['montecarlo', '--run', '2', '--runs', '1000', '--method', 'permute', '--ruin', '0.8', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Monte Carlo: 1000 paths of \d+ trades, trade order permutation, seed 42\./);
    expect(r.stdout).toMatch(/\(run 2, re-run, not recorded again\)/);
    expect(r.stdout).toMatch(/after +5% +25% +50% +75% +95%\n/);
    expect(r.stdout).toMatch(/\n0 trades +10000 +10000 +10000 +10000 +10000\n/);
    expect(r.stdout).toMatch(/\nfinal return +- +- +- +- +- +- +-?\d+\.\d\d% +n\/a\n/);
    expect(r.stdout).toMatch(/\nmax drawdown( +\d+\.\d\d%){7} +\d+\.\d%\n/);
    expect(r.stdout).toMatch(/Probability of ruin \(equity at or below 80% of the starting equity at any step\): \d+\.\d\d% \(\d+ of 1000 paths; 95% Wilson interval \d+\.\d\d% \.\. \d+\.\d\d%\)\./);
    expect(r.stdout).toMatch(/Permutation reorders the same trades/);
  });

  const refusals: [string, string[], number, RegExp][] = [
    ['--runs 0', ['--run', '2', '--runs', '0'], 2, /^Error: --runs "0" is not valid: give a whole number of paths from 1 to 4294967295, e\.g\. 10000\.\n$/],
    ['--runs 1.5', ['--run', '2', '--runs', '1.5'], 2, /^Error: --runs "1\.5" is not valid/],
    ['an unknown method', ['--run', '2', '--method', 'permut'], 2, /^Error: --method "permut" is not valid: use permute, bootstrap, returns or block\. Did you mean "permute"\?\n$/],
    ['--ruin 1', ['--run', '2', '--ruin', '1'], 2, /^Error: --ruin "1" is not valid: give a fraction of the starting cash above 0 and below 1/],
    ['--block-length with another method', ['--run', '2', '--method', 'returns', '--block-length', '5'], 2, /^Error: --block-length applies to --method block only, not returns/],
    ['--workers 0', ['--run', '2', '--workers', '0'], 2, /^Error: --workers "0" is not valid: give a whole number of threads from 1 to 256\.\n$/],
    ['a run that does not exist', ['--run', '99'], 1, /^Error: There is no run 99 in .*: the newest is 2 \(see "rrr runs list"\)\.\n$/],
    ['--run with backtest flags', ['--run', '2', '--symbol', 'DEMO-B', '--fees', '0'], 2, /^Error: --run re-runs the recorded run with its own settings: remove --symbol, --fees, or drop --run/],
    ['neither --run nor --strategy', [], 2, /^Error: Say which backtest to resample: --run RUN_ID/],
    ['--risk-free', [...DEMO, '--risk-free', '0.04'], 2, /^Error: --risk-free applies to the metrics of rrr backtest/],
    ['too few trades for a trade method', ['--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1d', '--from', '2019-01-01', '--to', '2019-05-01', '--method', 'bootstrap'], 1, /^Error: The backtest closed 1 trade: --method bootstrap resamples closed trades and needs at least 2; use --method returns or block/],
  ];
  it.each(refusals)('refuses %s in one sentence', (_name, args, exit, message) => {
    const r = rrr(['montecarlo', ...args, '--db', db]);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(exit);
    expect(r.stdout).toBe('');
  });
});
