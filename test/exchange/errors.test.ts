import { describe, expect, it } from 'vitest';
import * as ccxt from 'ccxt';
import { exchangeFailure, isCcxtError, parseRetryAfter, redact, venueMessageOf } from '../../src/exchange/errors.js';

const KEY = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A';
const SECRET = 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j';
const ctx = { exchange: 'binance', url: 'http://127.0.0.1:9', secrets: [KEY, SECRET] };

describe('exchangeFailure: each ccxt error class mapped once, retryable or not', () => {
  // ccxt's real classes (constructed as ccxt constructs them), so the prototype chain is the library's own.
  const cases: [string, Error, string, boolean][] = [
    ['NetworkError', new ccxt.NetworkError('binance GET http://127.0.0.1:9/api/v3/time fetch failed: connect ECONNREFUSED 127.0.0.1:9'), 'network', true],
    ['RateLimitExceeded', new ccxt.RateLimitExceeded('binance GET http://x 429 Too Many Requests {"code":-1003,"msg":"Too many requests."}'), 'rate-limit', true],
    ['DDoSProtection', new ccxt.DDoSProtection('binance 418 I\'m a teapot {"code":-1003,"msg":"Way too many requests; IP banned."}'), 'rate-limit', true],
    ['RequestTimeout', new ccxt.RequestTimeout('binance GET http://x request timed out (10000 ms)'), 'timeout', true],
    ['ExchangeNotAvailable', new ccxt.ExchangeNotAvailable('binance GET http://x 503 Service Unavailable <html>'), 'unavailable', true],
    ['OnMaintenance', new ccxt.OnMaintenance('binance system maintenance'), 'unavailable', true],
    ['InvalidOrder', new ccxt.InvalidOrder('binance {"code":-1013,"msg":"Filter failure: LOT_SIZE"}'), 'invalid-order', false],
    ['InsufficientFunds', new ccxt.InsufficientFunds('binance {"code":-2010,"msg":"Account has insufficient balance for requested action."}'), 'insufficient-funds', false],
    ['AuthenticationError', new ccxt.AuthenticationError(`binance {"code":-2014,"msg":"API-key format invalid: ${KEY}"}`), 'authentication', false],
    ['PermissionDenied', new ccxt.PermissionDenied('binance {"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}'), 'authentication', false],
    ['OrderNotFound', new ccxt.OrderNotFound('binance {"code":-2013,"msg":"Order does not exist."}'), 'order-not-found', false],
    ['BadSymbol', new ccxt.BadSymbol('binance does not have market symbol BTC/USDX'), 'bad-symbol', false],
  ];
  for (const [name, error, kind, retryable] of cases) {
    it(`${name} -> ${kind}, ${retryable ? 'retryable' : 'not retryable'}, one sentence without secrets`, () => {
      const failure = exchangeFailure(error, ctx);
      expect(failure.kind).toBe(kind);
      expect(failure.retryable).toBe(retryable);
      expect(failure.message).not.toContain(KEY);
      expect(failure.message).not.toContain(SECRET);
      expect(failure.message).not.toContain('\n');
      expect(failure.message).toMatch(/\.$/);
      // One sentence: no full stop followed by a capital inside the message.
      expect(failure.message.slice(0, -1)).not.toMatch(/\.\s+[A-Z]/);
    });
  }

  it('names the URL and the transport reason when the venue cannot be reached', () => {
    const failure = exchangeFailure(new ccxt.NetworkError('binance GET http://127.0.0.1:9/api/v3/exchangeInfo fetch failed: connect ECONNREFUSED 127.0.0.1:9'), {
      ...ctx,
      action: 'loading its markets',
    });
    expect(failure.message).toBe('Could not reach binance at http://127.0.0.1:9 while loading its markets (connection refused): check the URL and the network.');
  });

  it('quotes the venue\'s short reason, never the raw request', () => {
    const failure = exchangeFailure(
      new ccxt.InvalidOrder(`binance POST http://127.0.0.1:9/api/v3/order?signature=abc&apiKey=${KEY} 400 {"code":-1013,"msg":"Filter failure: NOTIONAL"}`),
      { ...ctx, action: 'placing order r1-1' },
    );
    expect(failure.message).toBe('binance refused the order while placing order r1-1 ("Filter failure: NOTIONAL").');
    expect(failure.venueMessage).toBe('Filter failure: NOTIONAL');
  });

  it('a key inside the venue message is blanked', () => {
    const failure = exchangeFailure(new ccxt.AuthenticationError(`binance {"code":-2014,"msg":"API-key format invalid: ${KEY}"}`), ctx);
    expect(failure.message).toBe('binance refused the API key ("API-key format invalid: ***"): check the key, its secret and its permissions.');
    expect(failure.exitCode).toBe(2);
  });

  it('carries the Retry-After it is given and says it', () => {
    const failure = exchangeFailure(new ccxt.RateLimitExceeded('binance GET http://x 429 Too Many Requests'), { ...ctx, retryAfterMs: 3000 });
    expect(failure.retryAfterMs).toBe(3000);
    expect(failure.message).toBe('binance refused the request for exceeding its rate limit (HTTP 429); it asked to wait 3 s.');
  });

  it('tells ccxt errors from others', () => {
    expect(isCcxtError(new ccxt.NetworkError('x'))).toBe(true);
    expect(isCcxtError(new TypeError('x'))).toBe(false);
  });
});

describe('helpers', () => {
  it('parseRetryAfter reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
  it('venueMessageOf reads Binance bodies', () => {
    expect(venueMessageOf('binance {"code":-2010,"msg":"Account has insufficient balance for requested action."}')).toBe('Account has insufficient balance for requested action');
    expect(venueMessageOf('binance 503 Service Unavailable <html>')).toBeUndefined();
  });
  it('redact blanks every occurrence', () => {
    expect(redact(`a${KEY}b${KEY}`, [KEY])).toBe('a***b***');
  });
});
