import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importBars } from '../../src/data/import.js';
import { loadBars, loadPanel } from '../../src/data/load.js';
import { Store, withStore } from '../../src/data/store.js';
import { describeShared, readSharedCsv, sharedPath } from '../helpers/shared.js';
import { tempDir } from '../helpers/cli.js';

const PAIRS = ['ada', 'dash', 'etc', 'eth', 'ltc', 'nxt', 'trx', 'xlm', 'xmr', 'zec'];

describeShared('loadBars and loadPanel on the real 5m files', () => {
  let db: string;
  beforeAll(async () => {
    db = join(tempDir(), 'panel.duckdb');
    await withStore(db, { create: true }, async (store) => {
      for (const p of PAIRS) await importBars(store, [sharedPath(`${p}-btc_5m.csv`)], { symbol: `${p.toUpperCase()}-BTC`, timeframe: '5m' });
    });
  });

  it('loads a series as Float64Array columns equal to an independent parse', async () => {
    const bars = await loadBars({ symbol: 'ADA-BTC', timeframe: '5m', db });
    const expected = readSharedCsv('ada-btc_5m.csv');
    expect(bars.time).toBeInstanceOf(Float64Array);
    expect(bars.close).toEqual(expected.close);
    expect(bars.time).toEqual(expected.time);
  });

  it('slices by --from/--to inclusively', async () => {
    const bars = await loadBars({ symbol: 'ETH-BTC', timeframe: '5m', db, from: '2018-01-11T00:00:00Z', to: '2018-01-11T01:00:00Z' });
    expect(bars.length).toBe(13);
    expect(bars.time[0]).toBe(Date.parse('2018-01-11T00:00:00Z'));
    expect(bars.time[12]).toBe(Date.parse('2018-01-11T01:00:00Z'));
  });

  it('aligns the ten misaligned series: union 5760 bars, intersection 5707, missing bars NaN', async () => {
    const symbols = PAIRS.map((p) => `${p.toUpperCase()}-BTC`);
    const union = await loadPanel({ symbols, timeframe: '5m', db, align: 'union' });
    const inter = await loadPanel({ symbols, timeframe: '5m', db, align: 'intersection' });
    expect(union.time.length).toBe(5760);
    expect(inter.time.length).toBe(5707);
    expect(union.time[0]).toBe(Date.parse('2018-01-10T04:55:00Z'));
    expect(union.time[5759]).toBe(Date.parse('2018-01-30T04:50:00Z'));
    PAIRS.forEach((p, k) => {
      const source = readSharedCsv(`${p}-btc_5m.csv`);
      let nan = 0;
      for (let i = 0; i < union.time.length; i++) if (Number.isNaN(union.bars[k].close[i])) nan++;
      expect(nan).toBe(5760 - source.length);
      for (let i = 0; i < inter.time.length; i++) expect(Number.isNaN(inter.bars[k].close[i])).toBe(false);
    });
  });
});

describe('loadBars from a file', () => {
  it('reads and sorts a file directly, without a store', async () => {
    const { writeFileSync } = await import('node:fs');
    const file = join(tempDir(), 'x.csv');
    writeFileSync(file, 'time,open,high,low,close\n2020-01-01T01:00:00Z,2,3,1,2.5\n2020-01-01T00:00:00Z,1,2,0.5,1.5\n');
    const bars = await loadBars({ file });
    expect(Array.from(bars.time)).toEqual([Date.parse('2020-01-01T00:00:00Z'), Date.parse('2020-01-01T01:00:00Z')]);
    expect(Array.from(bars.close)).toEqual([1.5, 2.5]);
    expect(Number.isNaN(bars.volume[0])).toBe(true);
    expect(bars.symbol).toBe('x');
  });

  it('an in-memory store works for library users', async () => {
    const store = await Store.open(':memory:');
    try {
      expect(await store.rows('SELECT count(*) AS n FROM bars')).toEqual([{ n: 0n }]);
    } finally {
      store.close();
    }
  });
});
