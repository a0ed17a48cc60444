import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callExchange, checkTimeframe, createExchange, loadMarkets, marketInfo, redirectApiUrls, type Exchange } from '../../src/exchange/client.js';
import { ExchangeFailure } from '../../src/exchange/errors.js';
import type { Emulator } from '../../src/exchange/emulator/index.js';
import { closedPort, FILTERS, startTestVenue } from './exchange-fixtures.js';

describe('createExchange', () => {
  it('refuses an unknown exchange with the nearest name', async () => {
    await expect(createExchange('binanse')).rejects.toThrow('Unknown exchange "binanse". Did you mean "binance"?');
  });

  it('refuses an --exchange-url that is not http(s)', async () => {
    await expect(createExchange('binance', { url: 'ftp://127.0.0.1:1' })).rejects.toThrow('--exchange-url "ftp://127.0.0.1:1" is not an http(s) URL: give one such as http://127.0.0.1:8765.');
    await expect(createExchange('binance', { url: 'localhost' })).rejects.toThrow(/is not (a|an http\(s\)) URL/);
  });

  it('points every binance API family at the --exchange-url, paths kept', async () => {
    const exchange = await createExchange('binance', { url: 'http://127.0.0.1:8765/' });
    const api = exchange.urls.api as unknown as Record<string, string>;
    const entries = Object.entries(api);
    expect(entries.length).toBeGreaterThan(10);
    for (const [, url] of entries) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:8765\/[a-z]/);
    expect(api.public).toBe('http://127.0.0.1:8765/api/v3');
    expect(api.private).toBe('http://127.0.0.1:8765/api/v3');
    expect(api.sapi).toBe('http://127.0.0.1:8765/sapi/v1');
  });

  it('redirectApiUrls keeps nested maps, path prefixes and the websocket scheme', () => {
    expect(redirectApiUrls({ a: 'https://api.x.com/v1', b: { c: 'wss://ws.x.com/stream' } }, 'http://h:1/pre')).toEqual({
      a: 'http://h:1/pre/v1',
      b: { c: 'ws://h:1/pre/stream' }, // websocket endpoints stay websockets
    });
  });

  it('an unreachable URL fails with one sentence naming it', async () => {
    const port = await closedPort();
    const exchange = await createExchange('binance', { url: `http://127.0.0.1:${port}`, timeoutMs: 1000 });
    const error = await loadMarkets(exchange, { attempts: 2, baseDelayMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExchangeFailure);
    expect((error as Error).message).toBe(
      `Could not reach binance at http://127.0.0.1:${port} while loading its markets (connection refused): check the URL and the network (gave up after 2 tries).`,
    );
  });
});

describe('against the emulator (real ccxt, real HTTP)', () => {
  let emulator: Emulator;
  let exchange: Exchange;
  beforeAll(async () => {
    ({ emulator, exchange } = await startTestVenue(200, { closedBars: 100 }));
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('marketInfo reads the venue\'s filters', async () => {
    expect(await marketInfo(exchange, 'BTC/USDT')).toEqual({
      symbol: 'BTC/USDT',
      base: 'BTC',
      quote: 'USDT',
      tickSize: FILTERS.tickSize,
      stepSize: FILTERS.stepSize,
      minQty: FILTERS.minQty,
      minNotional: FILTERS.minNotional,
      // The emulator, like binance for most symbols, lists no STOP_LOSS / TAKE_PROFIT order types.
      stopOrders: false,
    });
  });

  it('an unknown symbol suggests the venue\'s nearest', async () => {
    await expect(marketInfo(exchange, 'BTC/USDX')).rejects.toThrow('Unknown symbol "BTC/USDX" on binance. Did you mean "BTC/USDT"?');
  });

  it('checkTimeframe accepts the venue\'s timeframes under rrr\'s labels and lists them otherwise', () => {
    expect(checkTimeframe(exchange, '1h')).toBe('1h');
    expect(checkTimeframe(exchange, '60m')).toBe('1h');
    expect(checkTimeframe(exchange, '1mo')).toBe('1M');
    expect(() => checkTimeframe(exchange, '7m')).toThrow(/^binance has no timeframe "7m": it offers 1s, 1m, 3m, 5m, .*1d, 3d, 1w, 1M\.$/);
  });

  it('a 429 with Retry-After is waited out, never sooner, then answered', async () => {
    emulator.injectFault({ kind: 'rate-limit', retryAfter: 1, path: '/api/v3/time' });
    const waits: number[] = [];
    const time = await callExchange(exchange, 'reading its clock', () => exchange.fetchTime(), {
      baseDelayMs: 5,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(typeof time).toBe('number');
    expect(waits).toEqual([1000]);
  });

  it('bad keys fail as one sentence that holds neither key nor secret', async () => {
    const wrong = await createExchange('binance', { url: emulator.url, apiKey: emulator.apiKey, secret: 'not-the-secret-0123456789', timeoutMs: 1500 });
    const error = await callExchange(wrong, 'reading balances', () => wrong.fetchBalance()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExchangeFailure);
    const message = (error as Error).message;
    expect((error as ExchangeFailure).retryable).toBe(false);
    expect(message).not.toContain(emulator.apiKey);
    expect(message).not.toContain('not-the-secret-0123456789');
    expect(message).toMatch(/^binance .* while reading balances/);
    const unknownKey = 'UnknownKey0123456789abcdefUnknownKey0123456789abcdef';
    const other = await createExchange('binance', { url: emulator.url, apiKey: unknownKey, secret: emulator.secret, timeoutMs: 1500 });
    const refused = (await callExchange(other, 'reading balances', () => other.fetchBalance()).catch((e: unknown) => e)) as ExchangeFailure;
    expect(refused.kind).toBe('authentication');
    expect(refused.message).toBe('binance refused the API key while reading balances ("Invalid API-key, IP, or permissions for action"): check the key, its secret and its permissions.');
  });
});
