import { statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/data/runs.js';
import { betterRuns, compareRuns, METRIC_BETTER, renderComparison } from '../../src/report/runs.js';
import { fileSha, rrr, tempDir } from '../helpers/cli.js';

const record = (id: number, params: Record<string, unknown>, settings: Record<string, unknown>, metrics: Record<string, unknown>): RunRecord => ({
  id, createdAt: '2026-01-01T00:00:00Z', strategy: 'sma-cross', symbols: ['A'], timeframe: '1d', from: 'a', to: 'b', params, settings, dataFingerprint: 'f', metrics, tags: [],
});

describe('compareRuns (hand-worked)', () => {
  const runs = [
    record(1, { fast: 10, slow: 50 }, { cash: 10000, feeRate: 0.001 }, { totalReturnPct: null, sharpe: 1, maxDrawdownPct: 20, tradeCount: 5, feesPaid: 3 }),
    record(2, { fast: 20, slow: 50 }, { cash: 10000, feeRate: 0 }, { totalReturnPct: 5, sharpe: 2, maxDrawdownPct: 20, tradeCount: 7, feesPaid: 0 }),
    record(3, { fast: 20, slow: 50, extra: 1 }, { cash: 10000, feeRate: 0 }, { totalReturnPct: null, sharpe: 2, maxDrawdownPct: 30, tradeCount: 5, feesPaid: 0 }),
  ];

  it('keeps only the parameters and settings that differ, and marks the better values by direction', () => {
    const c = compareRuns(runs);
    expect(c.params).toEqual([{ name: 'fast', values: [10, 20, 20] }, { name: 'extra', values: [null, null, 1] }]);
    expect(c.settings).toEqual([{ name: 'feeRate', values: [0.001, 0, 0] }]);
    const best = Object.fromEntries(c.metrics.map((m) => [m.name, [m.better, m.best]]));
    expect(best).toEqual({
      // One number only: nothing to compare it with.
      totalReturnPct: ['higher', []],
      // A tie between two of the three marks both.
      sharpe: ['higher', [2, 3]],
      maxDrawdownPct: ['lower', [1, 2]],
      // No better direction: never marked.
      tradeCount: [null, []],
      feesPaid: ['lower', [2, 3]],
    });
    // Report order (METRIC_KEYS), not the order the metrics were recorded in.
    expect(c.metrics.map((m) => m.name)).toEqual(['totalReturnPct', 'sharpe', 'maxDrawdownPct', 'tradeCount', 'feesPaid']);
  });

  it('a tie of all, or a direction-less metric, marks nothing', () => {
    expect(betterRuns([1, 2], [3, 3], 'higher')).toEqual([]);
    expect(betterRuns([1, 2, 3], [3, null, 1], 'lower')).toEqual([3]);
    expect(betterRuns([1, 2], [3, 4], null)).toEqual([]);
    expect(METRIC_BETTER.maxDrawdownPct).toBe('lower');
    expect(METRIC_BETTER.exposurePct).toBeUndefined();
  });

  it('renders the values right-aligned with the better marked', () => {
    const text = renderComparison(runs);
    expect(text).toMatch(/^param fast\s+10\s+20\s+20$/m);
    expect(text).toMatch(/^param extra\s+-\s+-\s+1$/m);
    expect(text).toMatch(/^Costs\s+fees 0\.1% of notional \+ 0 per order, slippage 0 bps\s+fees 0% of notional/m);
    expect(text).toMatch(/^Sharpe\s+1\s+2 \*\s+2 \*\s+higher$/m);
    // Right-aligned: the last digits of 1 and 20 (run 1), 2 and 20 (run 2) stand in one column.
    const sharpe = text.split('\n').find((l) => l.startsWith('Sharpe'))!;
    const drawdown = text.split('\n').find((l) => l.startsWith('Max drawdown'))!;
    expect(sharpe.indexOf('1')).toBe(drawdown.indexOf('20') + 1);
    expect(sharpe.indexOf('2 *')).toBe(drawdown.indexOf('20 *', drawdown.indexOf('20') + 2) + 1);
    expect(text).toMatch(/^Return \[%\]\s+n\/a\s+5 \*?\s+n\/a\s+higher$/m);
    expect(text).toMatch(/^Trades\s+5\s+7\s+5$/m);
  });
});

describe('rrr runs compare', () => {
  let db: string;
  beforeAll(() => {
    db = join(tempDir('rrr-compare-'), 'store.duckdb');
    expect(rrr(['demo', '--db', db]).status).toBe(0);
    const r = rrr(['backtest', '--strategy', 'sma-cross', '--symbol', 'DEMO-A', '--timeframe', '1d', '--param', 'fast=5', '--param', 'slow=30', '--db', db, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json().runId).toBe(2);
  });

  it('shows the differing parameters and settings and every metric, with the better value marked, writing nothing', () => {
    const before = { sha: fileSha(db), mtime: statSync(db).mtimeMs };
    const r = rrr(['runs', 'compare', '1', '2', '--db', db, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const c = r.json();
    expect(c.runs.map((x: { id: number }) => x.id)).toEqual([1, 2]);
    // The demo ran with fast=10 slow=50, --fees 0.001 --slippage 2; run 2 with the defaults.
    expect(c.params).toEqual([{ name: 'fast', values: [10, 5] }, { name: 'slow', values: [50, 30] }]);
    expect(c.settings).toEqual([{ name: 'feeRate', values: [0.001, 0] }, { name: 'slippageBps', values: [2, 0] }]);
    // Every metric recorded, checked against each run's own record.
    const shown = [1, 2].map((id) => rrr(['runs', 'show', String(id), '--db', db, '--json']).json().metrics);
    expect(c.metrics.map((m: { name: string }) => m.name).sort()).toEqual(Object.keys(shown[0]).sort());
    const metric = (name: string) => c.metrics.find((m: { name: string }) => m.name === name);
    for (const [name, better] of [['sharpe', 'higher'], ['totalReturnPct', 'higher'], ['maxDrawdownPct', 'lower'], ['feesPaid', 'lower']] as const) {
      const [a, b] = shown.map((s) => s[name] as number);
      const expected = a === b ? [] : (better === 'higher') === a > b ? [1] : [2];
      expect(metric(name), name).toMatchObject({ values: [a, b], better, best: expected });
    }
    // Run 2 paid no fees: the lower fees are its.
    expect(metric('feesPaid').best).toEqual([2]);
    expect(metric('buyAndHoldReturnPct')).toMatchObject({ better: null, best: [] });

    const text = rrr(['runs', 'compare', '1', '2', '--db', db]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^Fingerprint\s+([0-9a-f]{16})\s+\1$/m);
    expect(text.stdout).toMatch(/^param fast\s+10\s+5$/m);
    expect(text.stdout).toMatch(/^Costs\s+fees 0\.1% of notional \+ 0 per order, slippage 2 bps\s+fees 0% of notional \+ 0 per order, slippage 0 bps$/m);
    expect(text.stdout).toMatch(/^Fees paid\s+[\d.]+\s+0 \*\s+lower$/m);
    expect(text.stdout).not.toMatch(/^Cash/m);
    expect({ sha: fileSha(db), mtime: statSync(db).mtimeMs }).toEqual(before);
  });

  it('refuses unknown ids (exit 1, naming them) and bad usage (exit 2) with one sentence', () => {
    const before = fileSha(db);
    const unknown = rrr(['runs', 'compare', '1', '99', '--db', db]);
    expect([unknown.status, unknown.stderr]).toEqual([1, `Error: There is no run 99 in ${db}: the newest is 2 (see "rrr runs list").\n`]);
    const two = rrr(['runs', 'compare', '98', '1', '99', '--db', db, '--json']);
    expect(two.status).toBe(1);
    expect(two.json().error.message).toBe(`There are no runs 98, 99 in ${db}: the newest is 2 (see "rrr runs list").`);
    for (const [args, message] of [
      [['1'], 'rrr runs compare takes at least 2 run ids (got 1), e.g. "rrr runs compare 3 4".'],
      [['1', '1'], 'Run 1 is given twice: give each run id once.'],
      [['1', 'x'], 'Run id "x" is not valid: run ids are whole numbers (see "rrr runs list").'],
      [['1', '2', '--colour'], 'Unknown flag --colour: see "rrr runs compare --help" for the flags it accepts.'],
    ] as const) {
      const r = rrr(['runs', 'compare', ...args, '--db', db]);
      expect([r.status, r.stderr], args.join(' ')).toEqual([2, `Error: ${message}\n`]);
    }
    expect(fileSha(db)).toBe(before);
  });
});
