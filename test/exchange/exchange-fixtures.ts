import { createServer } from 'node:net';
import { makeBars, type Bars } from '../../src/data/bars.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/exchange/emulator/index.js';
import { createExchange, type Exchange } from '../../src/exchange/client.js';

/** 1m open time of the synthetic bars: far ahead of the wall clock, so only the venue's own bars say what closed. */
export const START = Date.UTC(2100, 0, 1);
export const MINUTE = 60_000;

/** Deterministic 1m bars: a sine around 100 with a small trend (exact to 2 decimals, the tick). */
export function syntheticBars(n: number): Bars {
  const time = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    time[i] = START + i * MINUTE;
    const o = Math.round((100 + 5 * Math.sin(i / 7) + i * 0.01) * 100) / 100;
    const c = Math.round((100 + 5 * Math.sin((i + 1) / 7) + (i + 1) * 0.01) * 100) / 100;
    open[i] = o;
    close[i] = c;
    high[i] = Math.max(o, c) + 0.25;
    low[i] = Math.min(o, c) - 0.25;
    volume[i] = 1000 + (i % 10) * 10;
  }
  return makeBars({ time, open, high, low, close, volume }, { symbol: 'BTC/USDT', timeframe: '1m' });
}

export const FILTERS = { tickSize: 0.01, stepSize: 0.001, minQty: 0.001, minNotional: 5 };

export async function startTestVenue(n: number, options: Partial<EmulatorOptions> = {}): Promise<{ emulator: Emulator; exchange: Exchange; bars: Bars }> {
  const bars = syntheticBars(n);
  const emulator = await startEmulator({ bars, symbol: 'BTC/USDT', timeframe: '1m', port: 0, speed: 0, filters: FILTERS, ...options });
  const exchange = await createExchange('binance', { url: emulator.url, apiKey: emulator.apiKey, secret: emulator.secret, timeoutMs: 1500 });
  return { emulator, exchange, bars };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
