import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadBars } from '../../src/data/load.js';
import { upsertSeries } from '../../src/data/import.js';
import { sliceBars } from '../../src/data/bars.js';
import { parseTimeframe } from '../../src/data/timeframe.js';
import { SCHEMA_VERSION, withStore } from '../../src/data/store.js';
import { formatTime } from '../../src/data/time.js';
import { fetchBars } from '../../src/fetch/pipeline.js';
import { PolygonSource } from '../../src/fetch/polygon.js';
import { fetchedSeries, provenanceOf } from '../../src/fetch/provenance.js';
import { fileSha, tempDir } from '../helpers/cli.js';
import { startPolygonEmulator, type PolygonEmulator } from '../helpers/polygon-emulator.js';

const demo = await loadBars({ file: 'datasets/demo-a_1d.csv' });
const iso = formatTime;
const running: PolygonEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

describe('provenance (migration 6)', () => {
  it('a version-5 store reads read-only with no provenance, untouched; the first fetch migrates it and records where bars came from', async () => {
    const path = join(tempDir('rrr-prov-'), 'v5.duckdb');
    // A store as rrr wrote it before migration 6, holding an imported series (all but the last 100 bars).
    await withStore(path, { create: true }, async (store) => {
      await upsertSeries(store, 'DEMO', parseTimeframe('1d'), [sliceBars(demo, 0, demo.length - 100)]);
      await store.run('DROP TABLE bar_sources; DROP TABLE fetch_series; DELETE FROM rrr_meta WHERE version = 6; CHECKPOINT;');
    });
    const before = fileSha(path);
    const read = await withStore(path, { readOnly: true }, async (store) => ({ spans: await provenanceOf(store, 'DEMO', '1d'), fetched: await fetchedSeries(store) }));
    expect(read.fetched).toEqual([]);
    expect(read.spans).toEqual([{ source: 'file', bars: demo.length - 100, first: '2019-01-01T00:00:00Z', last: iso(demo.time[demo.length - 101]) }]);
    expect(fileSha(path)).toBe(before);

    // The vendor has the 100 bars after them: the fetch appends them.
    const e = await startPolygonEmulator({ series: { DEMO: { bars: demo, timeframe: '1d' } }, apiKey: 'k' });
    running.push(e);
    const result = await fetchBars({ db: path, symbol: 'DEMO', timeframe: '1d', since: demo.time[0], until: demo.time[demo.length - 1], sources: [new PolygonSource({ apiKey: 'k', url: e.url })] });
    expect(result).toMatchObject({ fetched: 100, added: 100, replaced: 0, total: demo.length, windows: [{ from: iso(demo.time[demo.length - 100]) }] });
    const after = await withStore(path, { readOnly: true }, async (store) => ({
      version: Number((await store.rows('SELECT max(version) AS v FROM rrr_meta'))[0].v),
      spans: await provenanceOf(store, 'DEMO', '1d'),
      fetched: await fetchedSeries(store),
    }));
    expect(after.version).toBe(SCHEMA_VERSION);
    expect(after.spans).toEqual([
      { source: 'file', bars: demo.length - 100, first: '2019-01-01T00:00:00Z', last: iso(demo.time[demo.length - 101]) },
      { source: 'polygon', bars: 100, first: iso(demo.time[demo.length - 100]), last: '2024-12-31T00:00:00Z' },
    ]);
    expect(after.fetched).toMatchObject([{ symbol: 'DEMO', timeframe: '1d', sourceSymbol: 'DEMO', sources: [{ name: 'polygon', url: e.url }] }]);
  });
});
