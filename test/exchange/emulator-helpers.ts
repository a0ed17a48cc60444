import { readFileSync } from 'node:fs';
import { makeBars, type Bars } from '../../src/data/bars.js';
import type { Emulator } from '../../src/exchange/emulator/index.js';
import { redirectApiUrls } from '../../src/exchange/client.js';

export interface CsvBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The demo file's rows read independently of rrr's readers, as the reference the emulator's answers are checked against. */
export function readDemoCsv(path = 'datasets/demo-a_1d.csv'): CsvBar[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [t, o, h, l, c, v] = line.split(',');
      return { time: Date.parse(t), open: Number(o), high: Number(h), low: Number(l), close: Number(c), volume: Number(v) };
    });
}

export function barsOf(rows: readonly CsvBar[], timeframe = '1d'): Bars {
  const col = (k: keyof CsvBar) => Float64Array.from(rows, (r) => r[k]);
  return makeBars({ time: col('time'), open: col('open'), high: col('high'), low: col('low'), close: col('close'), volume: col('volume') }, { timeframe });
}

/** ccxt's own binance class with its default options, every API family pointed at the emulator. */
export async function binanceClient(emu: Pick<Emulator, 'url' | 'apiKey' | 'secret'>, extra: Record<string, unknown> = {}): Promise<any> {
  const ccxt: any = await import('ccxt');
  const exchange = new ccxt.binance({ apiKey: emu.apiKey, secret: emu.secret, enableRateLimit: false, ...extra });
  // rrr's own --exchange-url redirection (src/exchange/client.ts), every API family included.
  exchange.urls.api = redirectApiUrls(exchange.urls.api, emu.url);
  return exchange;
}

/** Records every request ccxt sends (method, URL, body) while still sending it. */
export function recordRequests(exchange: any): Array<{ method: string; url: string; body?: string }> {
  const seen: Array<{ method: string; url: string; body?: string }> = [];
  const fetch = exchange.fetch.bind(exchange);
  exchange.fetch = (url: string, method: string, headers: unknown, body: string | undefined) => {
    seen.push({ method, url, body });
    return fetch(url, method, headers, body);
  };
  return seen;
}
