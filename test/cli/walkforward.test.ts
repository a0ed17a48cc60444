import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConstraint } from '../../src/research/optimize/objective.js';
import { strategyCheck } from '../../src/research/search/index.js';
import { createEvaluator } from '../../src/research/sweep/index.js';
import { runWalkForward } from '../../src/research/walkforward/run.js';
import { parseWindowLength, walkForwardWindows } from '../../src/research/walkforward/windows.js';
import { builtinStrategy } from '../../src/strategies/registry.js';
import { readCsvBars } from '../helpers/shared.js';
import { rrr, tempDir } from '../helpers/cli.js';

const DATA = resolve('datasets/demo-a_1d.csv');
const BASE = ['walkforward', '--strategy', 'sma-cross', '--data', DATA, '--grid', 'fast=5,10,20', '--grid', 'slow=30,60,120', '--fees', '0.001', '--workers', '1'];

describe('rrr walkforward', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = tempDir('rrr-walkforward-');
  });

  it('--json: the windows, stitched metrics, efficiency and stability of the library run with the same settings; writes nothing', async () => {
    const r = rrr([...BASE, '--train', '365d', '--test', '180d', '--constraint', 'tradeCount>=1', '--json'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.json();
    expect(readdirSync(cwd)).toEqual([]);
    expect(out).toMatchObject({
      strategy: 'sma-cross',
      timeframe: '1d',
      periodsPerYear: 365,
      windowsPlanned: 11,
      from: '2019-01-01T00:00:00Z',
      to: '2024-12-31T00:00:00Z',
      layout: { anchored: false, train: '365d', test: '180d', purge: '0', embargo: '0' },
      search: { method: 'grid', objective: 'sharpe', direction: 'maximize', constraints: ['tradeCount>=1'] },
      interrupted: false,
    });

    // The same walk-forward through the library (a second path: no flag parsing, no data loading by the CLI).
    const bars = readCsvBars('datasets/demo-a_1d.csv');
    const strategy = builtinStrategy('sma-cross')!;
    const evaluator = await createEvaluator(1);
    const lib = await runWalkForward(evaluator, {
      strategy,
      strategyRef: 'sma-cross',
      series: [bars],
      periodsPerYear: 365,
      sim: { feeRate: 0.001 },
      search: {
        space: { dimensions: [{ kind: 'values', name: 'fast', values: [5, 10, 20] }, { kind: 'values', name: 'slow', values: [30, 60, 120] }] },
        method: 'grid',
        direction: 'maximize',
        objective: 'sharpe',
        constraints: [parseConstraint('tradeCount>=1')],
        validate: strategyCheck(strategy),
      },
      windows: walkForwardWindows(bars.time, { train: parseWindowLength('365d', 'train'), test: parseWindowLength('180d', 'test') }),
    });
    await evaluator.close();
    expect(out.windows).toHaveLength(11);
    expect(out.windows.map((w: { params?: unknown }) => w.params ?? null)).toEqual(lib.windows.map((w) => w.params ?? null));
    for (const [k, w] of out.windows.entries()) {
      expect(w.outOfSample.sharpe).toBe(lib.windows[k].outOfSample.sharpe);
      expect(w.outOfSample.totalReturnPct).toBe(lib.windows[k].outOfSample.totalReturnPct);
      expect(w.inSample?.objective ?? null).toBe(lib.windows[k].inSample?.objective ?? null);
    }
    expect(out.stitched.bars).toBe(lib.stitched.equity.length);
    expect(out.stitched.equity).toEqual(Array.from(lib.stitched.equity));
    expect(out.stitched.time[0]).toBe(out.windows[0].test.start);
    expect(out.stitched.metrics.sharpe).toBe(lib.stitched.metrics.sharpe);
    expect(out.efficiency).toEqual(lib.efficiency);
    expect(out.stability).toEqual(lib.stability);
  }, 60_000);

  it('prints the windows table, the stitched result, the efficiency and the stability', () => {
    const r = rrr([...BASE, '--train', '365d', '--test', '180d'], { cwd });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Walk-forward of sma-cross on demo-a_1d 1d, 2019-01-01 .. 2024-12-31: 11 windows, rolling, train 365d, test 180d.');
    expect(r.stdout).toMatch(/^0 +2019-01-01 \.\. 2019-12-31 +2020-01-01 \.\. 2020-06-28 +\d+ +\d+ /m);
    expect(r.stdout).toMatch(/Out of sample, stitched \(1827 bars, 2020-01-01 \.\. 2024-12-31; each window's returns chained\):/);
    expect(r.stdout).toMatch(/Walk-forward efficiency: (-?[\d.]+ \(out-of-sample CAGR|n\/a)/);
    expect(r.stdout).toMatch(/^fast +\d+ +\d+\/11 /m);
  }, 60_000);

  it('anchored, in bars, with purge and embargo: training from bar 0, a gap before each test, the embargo untested', () => {
    const out = rrr([...BASE, '--train', '500', '--test', '250b', '--anchored', '--purge', '2', '--embargo', '3', '--json'], { cwd }).json();
    expect(out.layout).toEqual({ anchored: true, train: '500', test: '250b', purge: '2', embargo: '3' });
    const w = out.windows;
    expect(w.map((x: any) => [x.train.from, x.train.to, x.test.from, x.test.to])).toEqual([
      [0, 500, 502, 752],
      [0, 752, 755, 1005],
      [0, 1005, 1008, 1258],
      [0, 1258, 1261, 1511],
      [0, 1511, 1514, 1764],
      [0, 1764, 1767, 2017],
      [0, 2017, 2020, 2192],
    ]);
  }, 60_000);

  const G = ['--grid', 'fast=5,10', '--grid', 'slow=30,60'];
  it.each([
    ['a missing --train', [...G, '--test', '30d'], /^Error: --train is missing: give the training window as bars \(500\) or a duration \(180d\)\.$/],
    ['a zero --train', [...G, '--train', '0', '--test', '30d'], /^Error: --train 0 is empty: give a number of bars/],
    ['a negative --test', [...G, '--train', '100', '--test', '-3'], /^Error: --test -3 is negative/],
    ['a unit that is not one', [...G, '--train', '10y', '--test', '30d'], /^Error: --train "10y" is not a window length: give a number of bars \(500 or 500b\) or a duration \(180d, 12h, 4w, 6mo\)\.$/],
    ['a train longer than the data', [...G, '--train', '3000d', '--test', '30d'], /^Error: --train 3000d is as long as the data or longer \(the data holds 2192 bars, from 2019-01-01T00:00:00Z to 2024-12-31T00:00:00Z\): give a shorter --train\.$/],
    ['a test longer than the data', [...G, '--train', '100', '--test', '2192'], /^Error: --test 2192 is as long as the data or longer/],
    ['--samples with a grid', [...G, '--train', '100', '--test', '100', '--samples', '5'], /^Error: --samples sets the number of random trials, and the method is grid: use --method random with it, or remove it\.$/],
    ['an objective that is not a metric', [...G, '--train', '100', '--test', '100', '--objective', 'sharp'], /^Error: --objective "sharp" is not a metric to optimize\. Did you mean "sharpe"\?/],
    ['a --grid for a parameter the strategy does not have', ['--grid', 'fats=1,2', '--train', '100', '--test', '100'], /^Error: sma-cross has no parameter "fats" to search\./],
    ['--workers 0', [...G, '--train', '100', '--test', '100', '--workers', '0'], /^Error: --workers 0 is not valid: give a whole number of threads, 1 or more\.$/],
  ])('refuses %s in one sentence (exit 2)', (_what, args, message) => {
    const r = rrr(['walkforward', '--strategy', 'sma-cross', '--data', DATA, ...args], { cwd });
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.status).toBe(2);
  }, 60_000);
});
