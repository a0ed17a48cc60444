import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allocateBars, sliceBars, type Bars } from '../../src/data/bars.js';
import { loadBars } from '../../src/data/load.js';
import { formatTime } from '../../src/data/time.js';
import { parseTimeframe } from '../../src/data/timeframe.js';
import { startEmulator, type Emulator } from '../../src/exchange/emulator/index.js';
import { CcxtSource } from '../../src/fetch/ccxt.js';
import { fetchBars } from '../../src/fetch/pipeline.js';
import { PolygonSource } from '../../src/fetch/polygon.js';
import { tempDir } from '../helpers/cli.js';
import { expectSameBars, startPolygonEmulator, type PolygonEmulator } from '../helpers/polygon-emulator.js';

const HOUR = 3_600_000;
const N = 1000;

/** Hourly bars whose last one opened this hour: on the emulator it is the forming bar, by the real clock too. */
function barsEndingNow(n = N): Bars {
  const bars = allocateBars(n);
  const last = Math.floor(Date.now() / HOUR) * HOUR;
  let price = 30_000;
  for (let i = 0; i < n; i++) {
    const open = price;
    price = open * (1 + 0.004 * Math.sin(i / 7) + 0.001 * Math.cos(i / 3));
    bars.time[i] = last - (n - 1 - i) * HOUR;
    bars.open[i] = Math.round(open * 100) / 100;
    bars.close[i] = Math.round(price * 100) / 100;
    bars.high[i] = Math.max(bars.open[i], bars.close[i]) + 5;
    bars.low[i] = Math.min(bars.open[i], bars.close[i]) - 5;
    bars.volume[i] = 10 + (i % 17);
  }
  return bars;
}

const closers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c.close()));
});

async function binance(bars: Bars): Promise<Emulator> {
  const e = await startEmulator({ bars, symbol: 'BTC/USDT', timeframe: '1h', port: 0, speed: 0 });
  closers.push(e);
  return e;
}

const fastRetry = { baseDelayMs: 1, maxDelayMs: 5, random: () => 0.5 };
const db = () => join(tempDir('rrr-fetch-ccxt-'), 'store.duckdb');
const stored = (path: string) => loadBars({ db: path, symbol: 'BTC/USDT', timeframe: '1h' });

describe('exchange bars through ccxt, from the local Binance emulator', () => {
  it('pages through klines and stores every closed bar, never the forming one', async () => {
    const bars = barsEndingNow();
    const e = await binance(bars);
    const path = db();
    const result = await fetchBars({ db: path, symbol: 'BTC/USDT', timeframe: '1h', since: bars.time[0], sources: [new CcxtSource('binance', { url: e.url, pageLimit: 300, retry: fastRetry })], flushBars: 400 });
    expectSameBars(await stored(path), sliceBars(bars, 0, N - 1));
    expect(result).toMatchObject({ fetched: N - 1, added: N - 1, total: N - 1, refused: { count: 0 } });
    expect(result.provenance).toEqual([{ source: 'binance', bars: N - 1, first: formatTime(bars.time[0]), last: formatTime(bars.time[N - 2]) }]);
  });

  it('rides out a 429 with Retry-After, a 5xx and a timeout', async () => {
    const bars = barsEndingNow(400);
    const e = await binance(bars);
    const delays: number[] = [];
    const source = new CcxtSource('binance', { url: e.url, pageLimit: 100, timeoutMs: 500, retry: { ...fastRetry, onRetry: (r) => delays.push(r.delayMs) } });
    await source.check('BTC/USDT', parseTimeframe('1h')); // markets loaded before the faults, which hit klines only
    e.injectFault({ kind: 'rate-limit', retryAfter: 1, path: '/api/v3/klines' });
    e.injectFault({ kind: 'server-error', status: 502, path: '/api/v3/klines' });
    e.injectFault({ kind: 'timeout', path: '/api/v3/klines' });
    const path = db();
    const result = await fetchBars({ db: path, symbol: 'BTC/USDT', timeframe: '1h', since: bars.time[0], sources: [source] });
    expectSameBars(await stored(path), sliceBars(bars, 0, 399));
    expect(result.failovers).toEqual([]);
    expect(delays).toHaveLength(3);
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
  });

  it('when the exchange dies mid-fetch, another source (here Polygon) fills in from there', async () => {
    const bars = barsEndingNow();
    const e = await binance(bars);
    const p: PolygonEmulator = await startPolygonEmulator({ series: { 'BTC/USDT': { bars, timeframe: '1h' } }, apiKey: 'k' });
    closers.push(p);
    const path = db();
    let pages = 0;
    const result = await fetchBars({
      db: path,
      symbol: 'BTC/USDT',
      timeframe: '1h',
      since: bars.time[0],
      sources: [new CcxtSource('binance', { url: e.url, pageLimit: 300, retry: fastRetry }), new PolygonSource({ apiKey: 'k', url: p.url, retry: fastRetry })],
      onProgress: () => {
        if (++pages === 1) e.injectFault({ kind: 'server-error', count: 1000, path: '/api/v3/klines' });
      },
    });
    expectSameBars(await stored(path), sliceBars(bars, 0, N - 1));
    expect(result.failovers.map((f) => [f.source, f.at])).toEqual([['binance', formatTime(bars.time[300])]]);
    expect(result.provenance).toEqual([
      { source: 'binance', bars: 300, first: formatTime(bars.time[0]), last: formatTime(bars.time[299]) },
      { source: 'polygon', bars: N - 301, first: formatTime(bars.time[300]), last: formatTime(bars.time[N - 2]) },
    ]);
  });

  it('an unknown symbol or timeframe is one sentence naming the venue\'s own', async () => {
    const e = await binance(barsEndingNow(10));
    const source = new CcxtSource('binance', { url: e.url, retry: fastRetry });
    await expect(source.check('BTC/USDC', parseTimeframe('1h'))).rejects.toThrow(/^Unknown symbol "BTC\/USDC" on binance\. Did you mean "BTC\/USDT"\?$/);
    await expect(source.check('BTC/USDT', parseTimeframe('2d'))).rejects.toThrow(/^binance has no timeframe "2d": it offers 1s, 1m, .*, 1w, 1M\.$/);
  });
});
