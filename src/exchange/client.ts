/**
 * ccxt clients as rrr uses them: created by name (did you mean, for a typo), pointed at `--exchange-url`
 * (the local emulator or a venue's testnet), with every call going through one retry and error path.
 * ccxt takes ~0.8 s to import, so it is imported here, inside the functions, never at module top level.
 */
import type { Exchange, Market as CcxtMarket } from 'ccxt';
import { UserError, suggestion } from '../errors.js';
import { parseTimeframe } from '../data/timeframe.js';
import type { MarketInfo } from '../live/types.js';
import { exchangeFailure, isCcxtError, parseRetryAfter, type ErrorContext, type ExchangeFailure } from './errors.js';
import { withRetry, type RetryOptions } from './retry.js';

export type { Exchange } from 'ccxt';
/** ccxt types a market as possibly undefined; a found one is not. */
export type Market = NonNullable<CcxtMarket>;

export interface ExchangeOptions {
  /** Replaces the origin of every API URL of the venue (e.g. http://127.0.0.1:8765 for `rrr emulator`). */
  readonly url?: string;
  readonly apiKey?: string;
  readonly secret?: string;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** The ccxt.pro class (REST plus websockets, e.g. watchOHLCV) where ccxt has one for the venue. */
  readonly websocket?: boolean;
}

/** What error messages need to know about a client: its name, where it talks to, what never to print. */
const contexts = new WeakMap<object, ErrorContext>();

export function errorContextOf(exchange: Exchange): ErrorContext {
  return contexts.get(exchange) ?? { exchange: String(exchange.id) };
}

/** Every exchange ccxt knows, by id ("binance", "kraken", ...). */
export async function exchangeNames(): Promise<readonly string[]> {
  const ccxt = await import('ccxt');
  return ccxt.default.exchanges as string[];
}

/** `url` checked as an http(s) origin (with an optional path prefix), without a trailing slash. */
export function parseExchangeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`--exchange-url "${url}" is not a URL: give one such as http://127.0.0.1:8765.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UserError(`--exchange-url "${url}" is not an http(s) URL: give one such as http://127.0.0.1:8765.`);
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new UserError(`--exchange-url "${url}" has a query or fragment: give only the origin, such as http://127.0.0.1:8765.`);
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/**
 * The venue's API URL map with each URL's origin replaced by `base` and its path kept, so binance's
 * `public: https://api.binance.com/api/v3` becomes `http://127.0.0.1:8765/api/v3` (nested maps included).
 */
export function redirectApiUrls(api: unknown, base: string): unknown {
  if (typeof api === 'string') {
    // Websocket endpoints keep their scheme family: https -> wss, http -> ws.
    const target = /^wss?:/i.test(api) ? base.replace(/^http/i, 'ws') : base;
    return api.replace(/^(https?|wss?):\/\/[^/]+/i, target);
  }
  if (api !== null && typeof api === 'object') {
    return Object.fromEntries(Object.entries(api as Record<string, unknown>).map(([k, v]) => [k, redirectApiUrls(v, base)]));
  }
  return api;
}

/** The origin a venue's public API answers at, named in "could not reach" messages. */
function apiOrigin(api: unknown): string | undefined {
  if (typeof api === 'string') return /^(https?:\/\/[^/]+)/i.exec(api)?.[1];
  if (api !== null && typeof api === 'object') {
    const entries = api as Record<string, unknown>;
    for (const key of ['public', 'rest', ...Object.keys(entries)]) {
      const found = key in entries ? apiOrigin(entries[key]) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * A ccxt client for the exchange `name` (case-insensitive). rrr trades spot: for binance only spot markets are
 * loaded and the private sapi calls ccxt would make for currencies and margin pairs are turned off (they
 * need keys, cost weight, and neither a testnet nor the emulator serves them).
 */
export async function createExchange(name: string, options: ExchangeOptions = {}): Promise<Exchange> {
  const id = name.trim().toLowerCase();
  const ccxt = await import('ccxt');
  const names = ccxt.default.exchanges as string[];
  if (!names.includes(id)) throw new UserError(`Unknown exchange "${name}".${suggestion(name, names, 'exchanges')}`);
  const base = options.url === undefined ? undefined : parseExchangeUrl(options.url);
  const timeout = options.timeoutMs ?? 10_000;
  if (!(timeout > 0) || !Number.isFinite(timeout)) throw new UserError(`Exchange timeout ${timeout} ms is not a positive number of milliseconds.`);
  const pro = (ccxt.default as unknown as { pro?: Record<string, new (config: object) => Exchange> }).pro;
  const Class = (options.websocket === true && pro?.[id]) || (ccxt.default as unknown as Record<string, new (config: object) => Exchange>)[id];
  const config: Record<string, unknown> = { enableRateLimit: true, timeout };
  if (options.apiKey !== undefined) config.apiKey = options.apiKey;
  if (options.secret !== undefined) config.secret = options.secret;
  if (id === 'binance') {
    config.options = { fetchMarkets: { types: ['spot'] }, fetchMargins: false, fetchCurrencies: false, defaultType: 'spot' };
  }
  const exchange = new Class(config);
  if (base !== undefined) {
    const urls = exchange.urls as Record<string, unknown>;
    urls.api = redirectApiUrls(urls.api, base);
  }
  contexts.set(exchange, {
    exchange: id,
    url: base ?? apiOrigin((exchange.urls as Record<string, unknown>).api),
    secrets: [options.apiKey, options.secret],
  });
  return exchange;
}

/**
 * Runs one call to the venue through rrr's retry and error path: ccxt's errors become one-sentence
 * ExchangeFailures (the Retry-After of a 429/418/5xx honoured), anything else is thrown as it is.
 */
export async function callExchange<T>(exchange: Exchange, action: string, fn: () => Promise<T>, retry: RetryOptions = {}): Promise<T> {
  const context = errorContextOf(exchange);
  const classify = (error: unknown): ExchangeFailure => {
    if (!isCcxtError(error)) throw error;
    const first = exchangeFailure(error, { ...context, action });
    if (first.kind !== 'rate-limit' && first.kind !== 'unavailable') return first;
    const headers = (exchange as unknown as { last_response_headers?: Record<string, unknown> }).last_response_headers;
    const retryAfterMs = parseRetryAfter(headers?.['Retry-After'] ?? headers?.['retry-after']);
    return retryAfterMs === undefined ? first : exchangeFailure(error, { ...context, action, retryAfterMs });
  };
  return withRetry(
    async () => {
      // A stale header from an earlier answer must not pass for this one's Retry-After.
      (exchange as unknown as { last_response_headers?: unknown }).last_response_headers = undefined;
      return fn();
    },
    classify,
    retry,
  );
}

/** Loads the venue's markets once (retrying briefly: an unreachable URL fails in seconds, named). */
export async function loadMarkets(exchange: Exchange, retry: RetryOptions = { attempts: 3 }): Promise<Record<string, Market>> {
  if (exchange.markets && Object.keys(exchange.markets).length > 0) return exchange.markets as Record<string, Market>;
  return callExchange(exchange, 'loading its markets', () => exchange.loadMarkets(), retry) as Promise<Record<string, Market>>;
}

/** The market for `symbol` (the venue's unified "BASE/QUOTE"), or one sentence with the venue's nearest symbol. */
export async function findMarket(exchange: Exchange, symbol: string): Promise<Market> {
  const markets = await loadMarkets(exchange);
  const market = markets[symbol] ?? (exchange.markets_by_id?.[symbol]?.[0] as Market | undefined);
  if (market) return market;
  const { exchange: name } = errorContextOf(exchange);
  throw new UserError(`Unknown symbol "${symbol}" on ${name}.${suggestion(symbol, Object.keys(markets), 'symbols')}`);
}

/** ccxt's precision is a step (TICK_SIZE mode) or a count of digits (DECIMAL_PLACES); MarketInfo wants the step. */
function stepOf(precision: number | undefined, mode: number): number {
  if (precision === undefined || precision === null || !Number.isFinite(precision)) return 0;
  const DECIMAL_PLACES = 2;
  const TICK_SIZE = 4;
  if (mode === TICK_SIZE) return precision;
  if (mode === DECIMAL_PLACES) return Number((10 ** -precision).toPrecision(12));
  return 0; // significant digits: no fixed step
}

/**
 * A venue's rules for one symbol. Stop-loss / take-profit can rest on the venue only where its order types
 * say so (binance spot: STOP_LOSS and TAKE_PROFIT in the symbol's orderTypes; real binance lists only their
 * _LIMIT forms for most symbols); elsewhere `stopOrders` is false and the runner emulates them.
 */
export async function marketInfo(exchange: Exchange, symbol: string): Promise<MarketInfo> {
  const market = await findMarket(exchange, symbol);
  return marketInfoOf(market, Number(exchange.precisionMode), String(exchange.id));
}

export function marketInfoOf(market: Market, precisionMode: number, exchangeId: string): MarketInfo {
  const orderTypes = (market.info as { orderTypes?: unknown } | undefined)?.orderTypes;
  const types = Array.isArray(orderTypes) ? orderTypes.map(String) : [];
  const stopOrders = exchangeId === 'binance' && market.spot === true && types.includes('STOP_LOSS') && types.includes('TAKE_PROFIT');
  return {
    symbol: market.symbol,
    base: market.base,
    quote: market.quote,
    tickSize: stepOf(market.precision?.price, precisionMode),
    stepSize: stepOf(market.precision?.amount, precisionMode),
    minQty: market.limits?.amount?.min ?? 0,
    minNotional: market.limits?.cost?.min ?? 0,
    stopOrders,
  };
}

/**
 * The venue's own name for timeframe `tf` (rrr's labels are normalised: 60m is 1h), or one sentence listing
 * the timeframes the venue offers.
 */
export function checkTimeframe(exchange: Exchange, tf: string): string {
  const offered = Object.keys((exchange.timeframes ?? {}) as Record<string, unknown>);
  const { exchange: name } = errorContextOf(exchange);
  if (offered.includes(tf)) return tf;
  let label: string | undefined;
  try {
    label = parseTimeframe(tf).label;
  } catch {
    label = undefined;
  }
  const match = label === undefined ? undefined : offered.find((venueTf) => {
    try {
      return parseTimeframe(venueTf === '1M' ? '1mo' : venueTf).label === label; // ccxt's unified month is 1M
    } catch {
      return false;
    }
  });
  if (match) return match;
  const list = offered.length === 0 ? 'none (it serves no candles through ccxt)' : offered.join(', ');
  throw new UserError(`${name} has no timeframe "${tf}": it offers ${list}.`);
}
