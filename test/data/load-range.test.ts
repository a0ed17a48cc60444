import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importBars } from '../../src/data/import.js';
import { demoPath } from '../../src/data/demo.js';
import { loadBars } from '../../src/data/load.js';
import { withStore } from '../../src/data/store.js';
import { tempDir } from '../helpers/cli.js';
import { rrr } from '../helpers/cli.js';

// The demo series is daily, 2019-01-01 .. 2024-12-31, every day.
describe('a date-only bound means the same in the library as in the CLI', () => {
  let db: string;
  beforeAll(async () => {
    db = join(tempDir(), 'range.duckdb');
    await withStore(db, { create: true }, (store) => importBars(store, [demoPath('demo-a_1d.csv')], { symbol: 'DEMO-A', timeframe: '1d' }));
  });

  it('a day, a month and a year as `to` include their last bar', async () => {
    const day = await loadBars({ symbol: 'DEMO-A', timeframe: '1d', db, from: '2019-01-01', to: '2019-01-31' });
    expect(day.length).toBe(31);
    const month = await loadBars({ symbol: 'DEMO-A', timeframe: '1d', db, from: '2019-02', to: '2019-02' });
    expect(month.length).toBe(28);
    const year = await loadBars({ symbol: 'DEMO-A', timeframe: '1d', db, from: '2020', to: '2020' });
    expect(year.length).toBe(366);
  });

  it('gives the CLI the same bars (and so the same fingerprint) as the library', async () => {
    const bars = await loadBars({ symbol: 'DEMO-A', timeframe: '1d', db, from: '2019-03', to: '2019-06-30' });
    const shown = rrr(['data', 'show', 'DEMO-A', '--timeframe', '1d', '--from', '2019-03', '--to', '2019-06-30', '--all', '--json', '--db', db]);
    expect(shown.status).toBe(0);
    expect(shown.json().bars.length).toBe(bars.length);
    expect(bars.length).toBe(31 + 30 + 31 + 30);
  });

  it('refuses an impossible date in the library too', async () => {
    await expect(loadBars({ symbol: 'DEMO-A', timeframe: '1d', db, to: '2019-02-30' })).rejects.toThrow(/not a date/);
  });
});
