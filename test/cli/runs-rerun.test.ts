import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { rrr, tempDir } from '../helpers/cli.js';

describe('rrr runs rerun', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = tempDir('rrr-rerun-');
    db = join(dir, 'store.duckdb');
    expect(rrr(['demo', '--db', db]).status).toBe(0);
  });

  it('re-runs a recorded run, records it as a new run with the same settings, and finds the same metrics', () => {
    const r = rrr(['runs', 'rerun', '1', '--db', db, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ runId: 2, rerunOf: 1, sameMetrics: true, differences: [], strategy: 'sma-cross', symbols: ['DEMO-A'] });
    const [original, again] = [1, 2].map((id) => rrr(['runs', 'show', String(id), '--db', db, '--json']).json());
    expect(out.metrics).toEqual(original.metrics);
    // The new run is the original's record but for its id, time and (same) metrics.
    const strip = ({ id: _i, createdAt: _c, ...rest }: Record<string, unknown>) => rest;
    expect(strip(again)).toEqual(strip(original));
    // As rrr backtest prints it: the trades of the run, here the last one.
    expect(out.trades.length).toBe(original.metrics.tradeCount + original.metrics.openTrades.length);
  });

  it('--no-record prints the report and the verdict and records nothing; piped, no sparkline', () => {
    const r = rrr(['runs', 'rerun', '1', '--no-record', '--trades', '1', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Run\s+not recorded \(--no-record\)$/m);
    expect(r.stdout).toMatch(/^Strategy\s+sma-cross fast=10 slow=50$/m);
    expect(r.stdout).toMatch(/^Costs\s+fees 0\.1% of notional \+ 0 per order, slippage 2 bps$/m);
    expect(r.stdout).toMatch(/^Last 1 of \d+ trades:$/m);
    expect(r.stdout).toMatch(/\nRe-run of run 1 \(recorded \d{4}-\d\d-\d\dT[\d:]+Z\)\. Metrics: identical to run 1's, every one of them\.\n$/);
    expect(r.stdout).not.toMatch(/[▁▂▃▄▅▆▇█]/);
    expect(rrr(['runs', 'list', '--db', db, '--json']).json().runs.map((x: { id: number }) => x.id)).toEqual([2, 1]);
  });

  it('says which metrics differ from the recorded ones, and exits 1', async () => {
    // A copy whose run 1 claims another Sharpe and fee total, as if recorded by an rrr that computed them differently.
    const copy = join(dir, 'tampered.duckdb');
    copyFileSync(db, copy);
    const instance = await DuckDBInstance.create(copy);
    const connection = await instance.connect();
    const [row] = (await connection.runAndReadAll('SELECT metrics FROM runs WHERE id = 1')).getRowObjects();
    const metrics = JSON.parse(String(row.metrics));
    const sharpe = metrics.sharpe;
    await connection.run('UPDATE runs SET metrics = ? WHERE id = 1', [JSON.stringify({ ...metrics, sharpe: 9, feesPaid: 1 })]);
    connection.closeSync();
    instance.closeSync();
    const r = rrr(['runs', 'rerun', '1', '--no-record', '--db', copy, '--json']);
    expect(r.status).toBe(1);
    expect(r.json()).toMatchObject({ sameMetrics: false, differences: [{ metric: 'sharpe', recorded: 9, now: sharpe }, { metric: 'feesPaid', recorded: 1, now: metrics.feesPaid }] });
    expect(r.stderr).toBe('Run 1 was not reproduced: 2 metrics differ (sharpe, feesPaid).\n');
  });

  it('an unknown run is one sentence, exit 1', () => {
    const r = rrr(['runs', 'rerun', '7', '--db', db]);
    expect([r.status, r.stderr]).toEqual([1, `Error: There is no run 7 in ${db}: the newest is 2 (see "rrr runs list").\n`]);
  });
});
