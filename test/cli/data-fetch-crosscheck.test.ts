import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allocateBars, type Bars } from '../../src/data/bars.js';
import { formatTime } from '../../src/data/time.js';
import { startEmulator } from '../../src/exchange/emulator/index.js';
import { tempDir } from '../helpers/cli.js';
import { rrrAsync, startPolygonEmulator } from '../helpers/polygon-emulator.js';

const HOUR = 3_600_000;
const N = 300;

function hourly(): Bars {
  const bars = allocateBars(N);
  const last = Math.floor(Date.now() / HOUR) * HOUR;
  for (let i = 0; i < N; i++) {
    bars.time[i] = last - (N - 1 - i) * HOUR;
    bars.open[i] = 100 + i;
    bars.close[i] = 100.5 + i;
    bars.high[i] = 101 + i;
    bars.low[i] = 99.5 + i;
    bars.volume[i] = 1000 + i;
  }
  return bars;
}

const closers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c.close()));
});

describe('rrr data crosscheck', () => {
  it('reports exactly the bars where two sources disagree beyond the tolerance', async () => {
    const bars = hourly();
    const other = allocateBars(N);
    for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) other[f].set(bars[f]);
    other.close[50] *= 1.01; // 100 bps
    other.volume[120] *= 1.5; // 50 %
    other.high[200] *= 1.002; // 20 bps
    other.close[210] *= 1.0005; // 5 bps: within the tolerance
    const binance = await startEmulator({ bars, symbol: 'BTC/USDT', timeframe: '1h', port: 0, speed: 0 });
    closers.push(binance);
    const polygon = await startPolygonEmulator({ series: { 'BTC/USDT': { bars: other, timeframe: '1h' } }, apiKey: 'k' });
    closers.push(polygon);
    const db = join(tempDir(), 'none.duckdb');
    const args = ['data', 'crosscheck', 'BTC/USDT', '--timeframe', '1h', '--sources', 'binance,polygon', '--exchange-url', `binance=${binance.url}`, '--vendor-url', polygon.url, '--since', formatTime(bars.time[0]), '--until', formatTime(bars.time[N - 1]), '--db', db];
    const r = await rrrAsync([...args, '--json'], { POLYGON_API_KEY: 'k' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.json();
    // The forming bar (the last) is compared by neither.
    expect(out).toMatchObject({ compared: N - 1, onlyA: 0, onlyB: 0, differingBars: 3, byField: { close: 1, volume: 1, high: 1 } });
    expect(out.differences.map((d: { time: string; field: string }) => [d.time, d.field])).toEqual([
      [formatTime(bars.time[50]), 'close'],
      [formatTime(bars.time[120]), 'volume'],
      [formatTime(bars.time[200]), 'high'],
    ]);
    expect(out.differences[0].difference).toBeCloseTo(100, 6);
    const text = await rrrAsync(args, { POLYGON_API_KEY: 'k' });
    expect(text.stdout.split('\n')[0]).toBe(`BTC/USDT 1h, binance vs polygon, ${formatTime(bars.time[0])} .. ${formatTime(bars.time[N - 1])}: ${N - 1} bars compared (0 only on binance, 0 only on polygon); 3 differ beyond 10 bps in price or 5% in volume.`);
    expect(existsSync(db)).toBe(false);
  });

  it('rrr data fetch from an exchange: an unknown symbol or timeframe is one sentence naming the venue\'s own, nothing stored', async () => {
    const binance = await startEmulator({ bars: hourly(), symbol: 'BTC/USDT', timeframe: '1h', port: 0, speed: 0 });
    closers.push(binance);
    const db = join(tempDir(), 'never.duckdb');
    const base = ['data', 'fetch', '--exchange', 'binance', '--exchange-url', binance.url, '--since', '2024', '--db', db];
    const symbol = await rrrAsync([...base, '--symbol', 'BTC/USDC', '--timeframe', '1h']);
    expect(symbol.stderr).toBe('Error: Unknown symbol "BTC/USDC" on binance. Did you mean "BTC/USDT"?\n');
    expect(symbol.status).toBe(2);
    const tf = await rrrAsync([...base, '--symbol', 'BTC/USDT', '--timeframe', '2d']);
    expect(tf.stderr).toMatch(/^Error: binance has no timeframe "2d": it offers 1s, 1m, .*, 1M\.\n$/);
    expect(tf.status).toBe(2);
    expect(existsSync(db)).toBe(false);
  });
});
