import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sliceBars } from '../../src/data/bars.js';
import { loadBars } from '../../src/data/load.js';
import { tempDir } from '../helpers/cli.js';
import { expectSameBars, polygonCli } from '../helpers/polygon-emulator.js';

const demo = await loadBars({ file: 'datasets/demo-a_1d.csv' });
const polygon = polygonCli();
const rrrAsync = polygon.rrr;

describe('rrr data update', () => {
  it('rrr data update fetches the bars that closed since, from the recorded source', async () => {
    const series = { DEMO: { bars: sliceBars(demo, 0, 1500), timeframe: '1d' } };
    const e = await polygon.start({ series });
    const db = join(tempDir(), 'update.duckdb');
    expect((await rrrAsync(['data', 'fetch', '--vendor', 'polygon', '--vendor-url', e.url, '--symbol', 'DEMO', '--timeframe', '1d', '--since', '2019', '--db', db])).status).toBe(0);
    expect((await loadBars({ db, symbol: 'DEMO', timeframe: '1d' })).length).toBe(1500);
    series.DEMO.bars = demo; // the vendor has more now
    const r = await rrrAsync(['data', 'update', '--db', db, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.json().updated[0]).toMatchObject({ symbol: 'DEMO', timeframe: '1d', added: 692, total: 2192, windows: [{ from: '2023-02-09T00:00:00Z' }] });
    expectSameBars(await loadBars({ db, symbol: 'DEMO', timeframe: '1d' }), demo);
    const again = await rrrAsync(['data', 'update', '--db', db]);
    // The vendor has nothing after 2024-12-31 yet: asked, and nothing new.
    expect(again.stdout).toMatch(/^DEMO 1d: 0 closed bars fetched for 2025-01-01T00:00:00Z \.\. \S+; 0 added, 0 replaced; 2192 bars stored\.\n$/);
  }, 180_000);

  it('with no fetched series it says so; a symbol that was not fetched is one sentence', async () => {
    const db = join(tempDir(), 'imported.duckdb');
    expect((await rrrAsync(['data', 'import', 'datasets/demo-a_1d.csv', '--symbol', 'DEMO', '--timeframe', '1d', '--db', db])).status).toBe(0);
    const none = await rrrAsync(['data', 'update', '--db', db]);
    expect(none.status).toBe(0);
    expect(none.stdout).toBe('No stored series came from a source: rrr data fetch downloads one.\n');
    const unknown = await rrrAsync(['data', 'update', 'DEMO', '--db', db]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe(`Error: No series DEMO in ${db} came from a source.\n`);
  }, 120_000);});
