import { allocateBars, type Bars } from '../data/bars.js';
import type { Timeframe } from '../data/timeframe.js';
import type { Exchange } from '../exchange/client.js';
import type { RetryOptions } from '../exchange/retry.js';
import type { BarPage, BarSource } from './types.js';

export interface CcxtSourceOptions {
  /** The --exchange-url: every API URL of the venue points there (an emulator, a proxy). */
  url?: string;
  /** Candles per request (default: the venue's own maximum as ccxt knows it, else 1,000). */
  pageLimit?: number;
  timeoutMs?: number;
  retry?: RetryOptions;
}

type Candle = [number, number, number, number, number, number | undefined];

function barsOf(candles: readonly Candle[]): Bars {
  const bars = allocateBars(candles.length);
  candles.forEach((c, i) => {
    bars.time[i] = Number(c[0]);
    bars.open[i] = Number(c[1]);
    bars.high[i] = Number(c[2]);
    bars.low[i] = Number(c[3]);
    bars.close[i] = Number(c[4]);
    bars.volume[i] = c[5] === undefined || c[5] === null ? NaN : Number(c[5]);
  });
  return bars;
}

/**
 * Candles from an exchange through ccxt (src/exchange/client.ts: --exchange-url, did you mean, one error
 * path): fetchOHLCV from `since`, the next page from the bar after the last one, within ccxt's rate limit
 * (enableRateLimit), each request retried with backoff on timeouts, 5xx and 429.
 */
export class CcxtSource implements BarSource {
  readonly url?: string;
  private exchange?: Exchange;
  private venueTimeframe = '';

  constructor(
    readonly name: string,
    private readonly options: CcxtSourceOptions = {},
  ) {
    this.url = options.url;
  }

  private async client(): Promise<Exchange> {
    if (!this.exchange) {
      const { createExchange } = await import('../exchange/client.js');
      this.exchange = await createExchange(this.name, { url: this.options.url, timeoutMs: this.options.timeoutMs });
    }
    return this.exchange;
  }

  /** The venue's markets and timeframes: an unknown symbol or timeframe is one sentence naming the venue's own. */
  async check(symbol: string, timeframe: Timeframe): Promise<void> {
    const { findMarket, checkTimeframe } = await import('../exchange/client.js');
    const exchange = await this.client();
    if (!exchange.has.fetchOHLCV) throw new (await import('../errors.js')).UserError(`${this.name} serves no candles through ccxt (no fetchOHLCV): choose another --source.`);
    this.venueTimeframe = checkTimeframe(exchange, timeframe.unit === 'mo' ? `${timeframe.count}M` : timeframe.label);
    await findMarket(exchange, symbol);
  }

  async now(): Promise<number> {
    const exchange = await this.client();
    if (!exchange.has.fetchTime) return Date.now();
    const { callExchange } = await import('../exchange/client.js');
    const time = await callExchange(exchange, 'reading its clock', () => exchange.fetchTime(), this.options.retry);
    return Number(time ?? Date.now());
  }

  async *pages(symbol: string, timeframe: Timeframe, since: number, until: number): AsyncIterable<BarPage> {
    const { callExchange } = await import('../exchange/client.js');
    const exchange = await this.client();
    if (this.venueTimeframe === '') await this.check(symbol, timeframe);
    const limit = this.options.pageLimit ?? 1000;
    let cursor = since;
    while (cursor <= until) {
      const from = cursor;
      const candles = (await callExchange(exchange, `fetching ${symbol} ${timeframe.label} candles from ${new Date(from).toISOString()}`, () => exchange.fetchOHLCV(symbol, this.venueTimeframe, from, limit), this.options.retry)) as Candle[];
      const bars = barsOf(candles.filter((c) => c[0] >= from));
      const last = bars.length > 0 ? bars.time[bars.length - 1] : undefined;
      const next = last === undefined || last >= until ? undefined : last + 1;
      yield { bars, next };
      if (next === undefined) return;
      cursor = next;
    }
  }

  async close(): Promise<void> {
    await (this.exchange as { close?: () => Promise<void> } | undefined)?.close?.();
  }
}
