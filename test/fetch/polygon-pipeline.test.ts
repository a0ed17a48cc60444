import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allocateBars, sliceBars, type Bars } from '../../src/data/bars.js';
import { loadBars } from '../../src/data/load.js';
import { withStore } from '../../src/data/store.js';
import { formatTime } from '../../src/data/time.js';
import { fetchBars } from '../../src/fetch/pipeline.js';
import { PolygonSource, type PolygonOptions } from '../../src/fetch/polygon.js';
import { provenanceOf } from '../../src/fetch/provenance.js';
import type { BarSource } from '../../src/fetch/types.js';
import { tempDir } from '../helpers/cli.js';
import { expectSameBars, startPolygonEmulator, type PolygonEmulator, type PolygonEmulatorOptions } from '../helpers/polygon-emulator.js';

const KEY = 'test-polygon-key';
const demo = await loadBars({ file: 'datasets/demo-a_1d.csv' });
const FIRST = demo.time[0];
const LAST = demo.time[demo.length - 1];

const running: PolygonEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function emulator(bars: Bars = demo, options: Partial<PolygonEmulatorOptions> = {}): Promise<PolygonEmulator> {
  const e = await startPolygonEmulator({ series: { DEMO: { bars, timeframe: '1d' } }, apiKey: KEY, ...options });
  running.push(e);
  return e;
}

const fastRetry = { baseDelayMs: 1, maxDelayMs: 5, random: () => 0.5 };
const polygon = (e: PolygonEmulator, options: Partial<PolygonOptions> = {}) => new PolygonSource({ apiKey: KEY, url: e.url, pageLimit: 500, retry: fastRetry, ...options });

/** A source under another name (two Polygon stand-ins as two sources of a failover list). */
const renamed = (name: string, source: BarSource): BarSource => ({ name, url: source.url, pages: (...a) => source.pages(...a) });

const db = () => join(tempDir('rrr-fetch-'), 'store.duckdb');
const stored = (path: string, symbol = 'DEMO') => loadBars({ db: path, symbol, timeframe: '1d' });


const run = (path: string, sources: BarSource[], extra: Partial<Parameters<typeof fetchBars>[0]> = {}) =>
  fetchBars({ db: path, symbol: 'DEMO', timeframe: '1d', since: FIRST, until: LAST, sources, ...extra });

describe('Polygon aggregates through the fetch pipeline', () => {
  it('follows next_url page by page and stores exactly the vendor\'s bars; the key travels in a header only', async () => {
    const e = await emulator();
    const path = db();
    const result = await run(path, [polygon(e)]);
    expectSameBars(await stored(path), demo);
    expect(result).toMatchObject({ fetched: demo.length, added: demo.length, replaced: 0, total: demo.length, failovers: [], refused: { count: 0 } });
    // 2192 bars at 500 a page: 5 requests, the last four from next_url (a cursor, the from moved on).
    expect(e.requests.length).toBe(Math.ceil(demo.length / 500));
    expect(e.requests.slice(1).every((r) => r.includes('cursor='))).toBe(true);
    expect(e.requests.every((r) => !r.includes(KEY) && !/apikey/i.test(r))).toBe(true);
    expect(e.keysSeen).toEqual(e.requests.map(() => KEY));
    expect(result.provenance).toEqual([{ source: 'polygon', bars: demo.length, first: formatTime(FIRST), last: formatTime(LAST) }]);
  });

  it.each([
    ['a page of exactly all bars', 2192, 1],
    ['one bar short of all', 2191, 2],
    ['one bar a page', 1, 40],
  ])('pagination boundary: %s', async (_label, limit, requests) => {
    const bars = limit === 1 ? sliceBars(demo, 0, 40) : demo;
    const e = await emulator(bars);
    const path = db();
    await run(path, [polygon(e, { pageLimit: limit })], { until: bars.time[bars.length - 1] });
    expectSameBars(await stored(path), bars);
    expect(e.requests.length).toBe(requests);
  });

  it('waits out a 429 for at least its Retry-After, and retries 5xx, timeouts and dropped connections', async () => {
    const e = await emulator();
    e.fault({ kind: 429, retryAfterSeconds: 1, after: 1 });
    e.fault({ kind: 502, after: 1 });
    e.fault({ kind: 'drop', after: 1 });
    e.fault({ kind: 'hang', after: 1 });
    const waits: number[] = [];
    const source = polygon(e, { timeoutMs: 300, retry: { ...fastRetry, onRetry: (r) => waits.push(r.delayMs) } });
    const path = db();
    const result = await run(path, [source]);
    expectSameBars(await stored(path), demo);
    expect(result.failovers).toEqual([]);
    expect(waits.length).toBe(4);
    expect(waits[0]).toBeGreaterThanOrEqual(1000); // the 429's Retry-After: 1
    expect(waits.slice(1).every((w) => w < 1000)).toBe(true);
  });

  it('a source that dies mid-fetch: the next fills in from where it stopped, and the series says which bars came from where', async () => {
    const a = await emulator();
    const b = await emulator();
    const primary = renamed('primary', polygon(a));
    const backup = renamed('backup', polygon(b));
    a.fault({ kind: 503, after: 2, times: 1_000 }); // two pages (1000 bars) served, then down for good
    const path = db();
    const result = await run(path, [primary, backup]);
    expectSameBars(await stored(path), demo);
    expect(result.failovers).toHaveLength(1);
    expect(result.failovers[0]).toMatchObject({ source: 'primary', at: formatTime(demo.time[1000]) });
    expect(result.failovers[0].error).toMatch(/Polygon at http:\/\/127\.0\.0\.1:\d+ is not available \(HTTP 503\)/);
    expect(result.provenance).toEqual([
      { source: 'primary', bars: 1000, first: formatTime(FIRST), last: formatTime(demo.time[999]) },
      { source: 'backup', bars: demo.length - 1000, first: formatTime(demo.time[1000]), last: formatTime(LAST) },
    ]);
    const again = await withStore(path, { readOnly: true }, (store) => provenanceOf(store, 'DEMO', '1d'));
    expect(again).toEqual(result.provenance);
  });

  it('when every source fails, what was fetched is kept and the next run resumes after it, equal to one uninterrupted fetch', async () => {
    const a = await emulator();
    a.fault({ kind: 500, after: 3, times: 1_000 });
    const path = db();
    const failure = await run(path, [polygon(a)]).then(() => undefined, (error: Error & { exitCode?: number }) => error);
    expect(failure?.message).toMatch(/^Polygon at .* is not available \(HTTP 500\) \("Internal Server Error"\) \(gave up after 5 tries\); the 1500 bars fetched before are stored: run the same command again to resume\.$/);
    expect(failure?.exitCode).toBe(1);
    expect((await stored(path)).length).toBe(1500);
    const b = await emulator();
    const result = await run(path, [polygon(b)]);
    expect(result.windows).toEqual([{ from: formatTime(demo.time[1500]), to: formatTime(LAST) }]);
    expect(b.requests[0]).toContain(`/range/1/day/${demo.time[1500]}/`);
    expectSameBars(await stored(path), demo);
  });

  it('refuses bars that break data import\'s rules, stores the others, and never stores the unfinished bar', async () => {
    const now = Date.now();
    const n = 60;
    const bars = allocateBars(n);
    const today = Math.floor(now / 86_400_000) * 86_400_000;
    for (let i = 0; i < n; i++) {
      bars.time[i] = today - (n - 1 - i) * 86_400_000; // the last one is today's, still forming
      bars.open[i] = 100 + i;
      bars.high[i] = 102 + i;
      bars.low[i] = 99 + i;
      bars.close[i] = 101 + i;
      bars.volume[i] = 1000;
    }
    bars.high[10] = 50; // high below the open and close
    bars.low[20] = -1; // a negative price (OHLC-consistent: the low is the lowest)
    bars.volume[30] = -5;
    const e = await emulator(bars);
    const path = db();
    const result = await fetchBars({ db: path, symbol: 'DEMO', timeframe: '1d', since: bars.time[0], sources: [polygon(e)] });
    const kept = await stored(path);
    expect(kept.length).toBe(n - 4);
    expect(Array.from(kept.time)).not.toContain(bars.time[n - 1]);
    for (const i of [10, 20, 30]) expect(Array.from(kept.time)).not.toContain(bars.time[i]);
    expect(result.refused.count).toBe(3);
    expect(result.refused.rules).toEqual({ ohlc: 1, 'non-positive-price': 1, 'negative-volume': 1 });
  });

  it('a plan without the history asked for, or a wrong key: one sentence, nothing stored', async () => {
    const e = await emulator(demo, { historyFrom: Date.UTC(2022, 0, 1) });
    const path = db();
    await expect(run(path, [polygon(e)])).rejects.toThrow(/^Polygon refused the request \(HTTP 403\) \("Your plan doesn't include this data timeframe\. Please upgrade your plan at https:\/\/polygon\.io\/pricing"\); nothing was stored\.$/);
    await expect(run(path, [new PolygonSource({ apiKey: 'wrong-key', url: e.url, retry: fastRetry })])).rejects.toThrow(/^Polygon refused the API key \(HTTP 401\) \("Unknown API Key"\): check the key; nothing was stored\.$/);
    expect(existsSync(path)).toBe(false);
  });
});
