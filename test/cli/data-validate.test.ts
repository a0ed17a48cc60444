import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBars } from '../../src/data/load.js';
import { describeShared, readSharedCsv, sharedPath } from '../helpers/shared.js';
import { rrr, tempDir } from '../helpers/cli.js';

describe('rrr data validate', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('rrr-validate-');
  });

  it('reports errors in a file as it is (unsorted, duplicate, OHLC) and exits 1', () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'timestamp,open,high,low,close,volume\n2020-01-01T01:00:00Z,1,2,0.5,1.5,10\n2020-01-01T00:00:00Z,1,0.9,0.5,1.5,10\n2020-01-01T00:00:00Z,1,2,0.5,1.5,0\n');
    const r = rrr(['data', 'validate', file, '--timeframe', '1h', '--json']);
    expect(r.status).toBe(1);
    const report = r.json().reports[0];
    const fired = Object.fromEntries(report.checks.filter((c: { count: number }) => c.count > 0).map((c: { check: string; count: number }) => [c.check, c.count]));
    expect(fired).toEqual({ unsorted: 1, duplicate: 1, ohlc: 1, 'zero-volume': 1 });
    expect(r.json().ok).toBe(false);
    const text = rrr(['data', 'validate', file, '--timeframe', '1h']);
    expect(text.stdout).toMatch(/error {3}unsorted/);
  });

  it('passes clean stored data with exit 0, and infers a file timeframe from its spacing', () => {
    const db = join(dir, 'v.duckdb');
    expect(rrr(['demo', '--db', db]).status).toBe(0);
    const r = rrr(['data', 'validate', 'DEMO-A', '--db', db, '--json']);
    expect(r.status).toBe(0);
    expect(r.json().reports.map((x: { symbol: string; timeframe: string; ok: boolean }) => [x.symbol, x.timeframe, x.ok])).toEqual([['DEMO-A', '1d', true]]);
    const all = rrr(['data', 'validate', '--db', db, '--json']).json();
    expect(all.reports).toHaveLength(3);
    const file = rrr(['data', 'validate', 'datasets/demo-b_1d.csv', '--json']).json();
    expect(file.reports[0].timeframe).toBe('1d');
    expect(rrr(['data', 'validate', 'DEMO-X', '--db', db]).stderr).toMatch(/Unknown symbol "DEMO-X" .*Did you mean "DEMO-A"\?/);
  });
});

describe('rrr data validate exit codes: 1 the data has errors, 3 the check could not run', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('rrr-validate-codes-');
    expect(rrr(['data', 'import', 'datasets/demo-a_1d.csv', '--symbol', 'A', '--timeframe', '1d', '--db', join(dir, 'v.duckdb')]).status).toBe(0);
  });

  it.each([
    ['no store', (d: string) => ['--db', join(d, 'none.duckdb')], /^Error: No store at /],
    ['an unknown symbol', (d: string) => ['NOPE', '--db', join(d, 'v.duckdb')], /^Error: Unknown symbol "NOPE"/],
    ['an unreadable file', (d: string) => [join(d, 'missing.csv'), '--timeframe', '1h'], /^Error: /],
  ])('%s: 3', (_what, args, message) => {
    const r = rrr(['data', 'validate', ...args(dir)]);
    expect(r.stderr).toMatch(message);
    expect(r.status).toBe(3);
  });

  it('a usage error stays 2: a bad flag value, --db at a file that is not a store', () => {
    expect(rrr(['data', 'validate', '--outlier-threshold', '-1']).status).toBe(2);
    const text = join(dir, 'text.duckdb');
    writeFileSync(text, 'not a store\n');
    const r = rrr(['data', 'validate', '--db', text]);
    expect(r.stderr).toMatch(/^Error: --db .* is not a DuckDB database/);
    expect(r.status).toBe(2);
  });
});

describeShared('rrr data validate and resample on the real files', () => {
  it('finds the repeated 5-bar block, the 28 zero-volume and 30 flat bars of btc-usd_1h, and nothing else', () => {
    const r = rrr(['data', 'validate', sharedPath('btc-usd_1h.csv'), '--timeframe', '1h', '--json']);
    expect(r.status).toBe(0);
    const report = r.json().reports[0];
    const fired = Object.fromEntries(report.checks.filter((c: { count: number }) => c.count > 0).map((c: { check: string; count: number }) => [c.check, c.count]));
    expect(fired).toEqual({ 'repeated-block': 1, 'zero-volume': 28, 'flat-bar': 30 });
    const block = report.checks.find((c: { check: string }) => c.check === 'repeated-block').locations[0];
    expect(block).toMatchObject({ time: '2017-11-11T23:00:00Z', repeatTime: '2017-11-12T04:00:00Z', bars: 5 });
  });

  it('resamples stored 1m bars to 1h as an independent group-by-hour does, leaving the partial last hour out', async () => {
    const db = join(tempDir('rrr-resample-'), 'r.duckdb');
    expect(rrr(['data', 'import', sharedPath('gbp-usd_1m.csv'), '--symbol', 'GBPUSD', '--timeframe', '1m', '--db', db]).status).toBe(0);
    const r = rrr(['data', 'resample', 'GBPUSD', '--from-timeframe', '1m', '--to-timeframe', '1h', '--db', db, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const src = readSharedCsv('gbp-usd_1m.csv');
    const hours = new Map<number, { o: number; h: number; l: number; c: number }>();
    for (let i = 0; i < src.length; i++) {
      const k = Math.floor(src.time[i] / 3_600_000) * 3_600_000;
      const b = hours.get(k);
      if (!b) hours.set(k, { o: src.open[i], h: src.high[i], l: src.low[i], c: src.close[i] });
      else hours.set(k, { o: b.o, h: Math.max(b.h, src.high[i]), l: Math.min(b.l, src.low[i]), c: src.close[i] });
    }
    // The file ends at 2012-03-01T00:00Z: that hour holds one minute, so it is partial and not stored.
    expect(r.json().partialLast).toBe('2012-03-01T00:00:00Z');
    const expected = [...hours.entries()].slice(0, -1);
    const stored = await loadBars({ symbol: 'GBPUSD', timeframe: '1h', db });
    expect(stored.length).toBe(expected.length);
    expected.forEach(([t, b], i) => {
      expect(stored.time[i]).toBe(t);
      expect([stored.open[i], stored.high[i], stored.low[i], stored.close[i]]).toEqual([b.o, b.h, b.l, b.c]);
    });
    expect(Number.isNaN(stored.volume[0])).toBe(true);
  });
});
