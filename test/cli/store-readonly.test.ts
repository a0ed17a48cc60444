import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { rrr, tempDir, fileSha } from '../helpers/cli.js';

/** Bytes and modification time: a read-only command must change neither. */
const fingerprint = (path: string) => ({ sha: fileSha(path), mtime: statSync(path).mtimeMs });

const READS: [string, string[]][] = [
  ['data list', ['data', 'list']],
  ['data list --json', ['data', 'list', '--json']],
  ['data show', ['data', 'show', 'DEMO-A', '--timeframe', '1d', '--tail', '3']],
  ['data validate (all)', ['data', 'validate']],
  ['data validate SYMBOL', ['data', 'validate', 'DEMO-B', '--timeframe', '1d']],
  ['runs list', ['runs', 'list']],
  ['studies list', ['studies', 'list']],
];

describe('read-only commands never change the store', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = tempDir('rrr-readonly-');
    db = join(dir, 'store.duckdb');
    expect(rrr(['demo', '--db', db]).status).toBe(0);
  });

  it.each(READS)('%s', (_name, args) => {
    const before = fingerprint(db);
    const r = rrr([...args, '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(fingerprint(db)).toEqual(before);
  });

  it('data export writes only its output file', () => {
    const before = fingerprint(db);
    const r = rrr(['data', 'export', 'DEMO-A', '--timeframe', '1d', '--out', join(dir, 'a.csv'), '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(fingerprint(db)).toEqual(before);
  });

  it('runs show', () => {
    const before = fingerprint(db);
    const r = rrr(['runs', 'show', '1', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(fingerprint(db)).toEqual(before);
  });

  it('a store written before schema versions is read without being upgraded; the first write upgrades it and says so once', async () => {
    // The layout today's rrr wrote, with no rrr_meta: made here with DuckDB directly.
    const old = join(dir, 'old.duckdb');
    const instance = await DuckDBInstance.create(old);
    const connection = await instance.connect();
    await connection.run(`
      CREATE TABLE bars (symbol VARCHAR NOT NULL, timeframe VARCHAR NOT NULL, time BIGINT NOT NULL, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE, PRIMARY KEY (symbol, timeframe, time));
      CREATE TABLE series (symbol VARCHAR NOT NULL, timeframe VARCHAR NOT NULL, rows BIGINT NOT NULL, first_time BIGINT, last_time BIGINT, quality VARCHAR, updated_at TIMESTAMP DEFAULT current_timestamp, PRIMARY KEY (symbol, timeframe));
      CREATE OR REPLACE VIEW bars_utc AS SELECT symbol, timeframe, make_timestamp(time * 1000) AS time, open, high, low, close, volume FROM bars;
      INSERT INTO bars VALUES ('OLD', '1d', 0, 1, 2, 0.5, 1.5, 10);
      INSERT INTO series (symbol, timeframe, rows, first_time, last_time) VALUES ('OLD', '1d', 1, 0, 0);`);
    connection.closeSync();
    instance.closeSync();
    const before = fingerprint(old);
    for (const [, args] of READS.filter(([, a]) => !a.some((x) => x.startsWith('DEMO')))) {
      const r = rrr([...args, '--db', old]);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    expect(rrr(['data', 'show', 'OLD', '--timeframe', '1d', '--db', old]).stdout).toMatch(/1 of 1 bars of OLD 1d/);
    expect(fingerprint(old)).toEqual(before);
    const first = rrr(['data', 'import', 'datasets/demo-a_1d.csv', '--symbol', 'NEW', '--timeframe', '1d', '--db', old]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/^Upgraded the store .*old\.duckdb from schema version 1 to 6: 2\. rrr_meta records the schema version; the runs table is created with the store; 3\. bars without a primary key index \(an import of millions of bars needs far less memory\); 4\. studies and study_trials tables: every trial of rrr optimize recorded under a study id; 5\. run_tags table: tags on recorded runs \(rrr runs tag\); 6\. fetch_series and bar_sources tables: where fetched bars came from \(rrr data fetch, rrr data update\)\.\n$/);
    const second = rrr(['data', 'import', 'datasets/demo-b_1d.csv', '--symbol', 'NEW2', '--timeframe', '1d', '--db', old]);
    expect(second.stderr).toBe('');
    expect(rrr(['data', 'list', '--json', '--db', old]).json().series.map((s: { symbol: string }) => s.symbol)).toEqual(['NEW', 'NEW2', 'OLD']);
    expect(rrr(['data', 'show', 'OLD', '--timeframe', '1d', '--json', '--db', old]).json().bars).toEqual([{ time: '1970-01-01T00:00:00Z', open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }]);
  });
});
