import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sliceBars, type Bars } from '../../src/data/bars.js';
import { formatTime } from '../../src/data/time.js';
import { withStore } from '../../src/data/store.js';
import { provenanceOf } from '../../src/fetch/provenance.js';
import { loadBars } from '../../src/data/load.js';
import { tempDir } from '../helpers/cli.js';
import { expectSameBars, polygonCli, type PolygonEmulator } from '../helpers/polygon-emulator.js';

const demo = await loadBars({ file: 'datasets/demo-a_1d.csv' });
const polygon = polygonCli();
const KEY = polygon.key;
const rrrAsync = polygon.rrr;
const emulator = (bars: Bars = demo, delayMs = 0) => polygon.start({ series: { DEMO: { bars, timeframe: '1d' } }, delayMs });

const fetchArgs = (e: PolygonEmulator, db: string, ...more: string[]) => ['data', 'fetch', '--vendor', 'polygon', '--vendor-url', e.url, '--symbol', 'DEMO', '--timeframe', '1d', '--since', '2019-01-01', '--until', '2024-12-31', '--db', db, ...more];

describe('rrr data fetch --vendor polygon', () => {
  it('stores the vendor\'s bars, says where they came from, and never prints the key', async () => {
    const e = await emulator();
    const db = join(tempDir(), 'store.duckdb');
    const r = await rrrAsync(fetchArgs(e, db, '--page-size', '1000', '--json'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ symbol: 'DEMO', timeframe: '1d', fetched: 2192, added: 2192, total: 2192, sources: [{ name: 'polygon', url: e.url }] });
    expect(out.provenance).toEqual([{ source: 'polygon', bars: 2192, first: '2019-01-01T00:00:00Z', last: '2024-12-31T00:00:00Z' }]);
    expectSameBars(await loadBars({ db, symbol: 'DEMO', timeframe: '1d' }), demo);
    expect(e.requests.length).toBe(3);
    const text = await rrrAsync(fetchArgs(e, db));
    expect(text.status).toBe(0);
    expect(text.stdout).toBe('DEMO 1d: already up to date (2192 bars stored).\n');
    expect(r.stdout + text.stdout + r.stderr + text.stderr).not.toContain(KEY);
  });

  it('a kill -9 mid-fetch (readers meanwhile read), then the same command again: the store equals one uninterrupted fetch, bar for bar', async () => {
    const bars = sliceBars(demo, 0, 900);
    const e = await emulator(bars);
    const db = join(tempDir(), 'killed.duckdb');
    const args = ['data', 'fetch', '--vendor', 'polygon', '--vendor-url', e.url, '--symbol', 'DEMO', '--timeframe', '1d', '--since', '2019-01-01', '--db', db, '--page-size', '50', '--chunk-bars', '150'];
    // Seven pages answered (350 bars, two chunks of 150 written), the eighth held: the fetch waits on it.
    e.holdAfter(7);
    let kill = () => {};
    const killed = rrrAsync(args, {}, (k) => (kill = k));
    while (e.arrived < 8) await new Promise((done) => setTimeout(done, 20));
    // Mid-fetch, the store is not held: another process reads what is stored so far.
    const during = await loadBars({ db, symbol: 'DEMO', timeframe: '1d' });
    expect(during.length).toBeGreaterThanOrEqual(300);
    expect(during.length).toBeLessThan(900);
    kill();
    expect((await killed).status).toBe(-1);
    e.release();
    const partial = await loadBars({ db, symbol: 'DEMO', timeframe: '1d' });
    expectSameBars(partial, sliceBars(bars, 0, partial.length));
    const before = e.requests.length;
    const resumed = await rrrAsync(args);
    expect(resumed.status).toBe(0);
    // It asked only for what was missing: its first request starts at the bar after the last stored one.
    expect(e.requests[before]).toContain(`/range/1/day/${bars.time[partial.length]}/`);
    // One uninterrupted fetch stores the vendor's bars exactly (the test above): so must the resumed one.
    expectSameBars(await loadBars({ db, symbol: 'DEMO', timeframe: '1d' }), bars);
    const spans = await withStore(db, { readOnly: true }, (store) => provenanceOf(store, 'DEMO', '1d'));
    expect(spans).toEqual([{ source: 'polygon', bars: 900, first: formatTime(bars.time[0]), last: formatTime(bars.time[899]) }]);
  }, 180_000);



});

