import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { upsertSeries } from '../../src/data/import.js';
import { listSeries, removeSeries } from '../../src/data/series.js';
import { withStore } from '../../src/data/store.js';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { parseTimeframe } from '../../src/data/timeframe.js';
import { tempDir } from '../helpers/cli.js';

describe('store size', () => {
  it('data remove frees the space (given back, or kept and reported), and a re-import comes back to within 10% of a fresh import', async () => {
    const db = join(tempDir('rrr-size-'), 'size.duckdb');
    const bars = benchmarkBars(150_000);
    const tf = parseTimeframe('1m');
    const size = () => statSync(db).size;
    await withStore(db, { create: true }, (store) => upsertSeries(store, 'S', tf, [bars]));
    const fresh = size();
    const free = await withStore(db, { create: true }, async (store) => {
      await removeSeries(store, 'S', '1m');
      return store.freeBytes();
    });
    // The series' blocks are free: given back to the disk where they end the file, otherwise kept for the next
    // write (DuckDB truncates only a free tail of the file, and the catalog written at the checkpoint can end it) and
    // reported, which rrr data remove prints with the advice to compact.
    expect(size() < fresh / 4 || free > (fresh * 3) / 4).toBe(true);
    expect(await withStore(db, { readOnly: true }, listSeries)).toEqual([]);
    await withStore(db, { create: true }, (store) => upsertSeries(store, 'S', tf, [bars]));
    expect(Math.abs(size() / fresh - 1)).toBeLessThan(0.1);
  });
});

describe('rrr data compact', () => {
  it('brings a store left twice its size by an upsert back to a fresh import, keeping every bar and run', async () => {
    const { rrr } = await import('../helpers/cli.js');
    const { loadBars } = await import('../../src/data/load.js');
    const { listRuns, recordRun } = await import('../../src/data/runs.js');
    const db = join(tempDir('rrr-compact-'), 'c.duckdb');
    const bars = benchmarkBars(150_000);
    const tf = parseTimeframe('1m');
    await withStore(db, { create: true }, (store) => upsertSeries(store, 'S', tf, [bars]));
    const fresh = statSync(db).size;
    const run = { strategy: 's', symbols: ['S'], timeframe: '1m', from: 'a', to: 'b', params: {}, settings: {}, dataFingerprint: 'f', metrics: {} };
    await withStore(db, { create: true }, async (store) => {
      await upsertSeries(store, 'S', tf, [bars]);
      await recordRun(store, run);
    });
    expect(statSync(db).size).toBeGreaterThan(fresh * 1.5);
    const r = rrr(['data', 'compact', '--json', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json().bytesAfter).toBe(statSync(db).size);
    expect(Math.abs(statSync(db).size / fresh - 1)).toBeLessThan(0.1);
    const loaded = await loadBars({ db, symbol: 'S', timeframe: '1m' });
    expect(loaded.close).toEqual(bars.close);
    expect(loaded.time).toEqual(bars.time);
    // The run id sequence goes on where it was.
    expect(await withStore(db, { create: false }, (store) => recordRun(store, run))).toBe(2);
    expect((await withStore(db, { readOnly: true }, (store) => listRuns(store))).map((x) => x.id)).toEqual([2, 1]);
  });
});

describe('rrr data remove', () => {
  it('says when the file keeps free space, and how to give it back', async () => {
    const { rrr } = await import('../helpers/cli.js');
    const db = join(tempDir('rrr-remove-'), 'r.duckdb');
    const bars = benchmarkBars(150_000);
    const tf = parseTimeframe('1m');
    // Upserting the same bars again rewrites the series and leaves the old blocks free inside the file.
    await withStore(db, { create: true }, (store) => upsertSeries(store, 'S', tf, [bars]));
    await withStore(db, { create: true }, (store) => upsertSeries(store, 'S', tf, [bars]));
    await withStore(db, { create: true }, (store) => upsertSeries(store, 'T', tf, [bars]));
    const r = rrr(['data', 'remove', 'S', '--timeframe', '1m', '--yes', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Removed 150000 bars of S 1m\.\nThe store file keeps \d+\.\d MB of free space for later writes; "rrr data compact" gives it back to the disk\.\n$/);
    const before = statSync(db).size;
    const compacted = rrr(['data', 'compact', '--json', '--db', db]).json();
    expect(compacted.bytesBefore).toBe(before);
    expect(compacted.bytesAfter).toBeLessThan(before / 2);
  });
});
