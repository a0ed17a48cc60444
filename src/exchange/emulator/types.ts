import type { Bars } from '../../data/bars.js';

/** The venue's trading rules for the one symbol, as exchangeInfo's PRICE_FILTER, LOT_SIZE and NOTIONAL filters. */
export interface SymbolFilters {
  tickSize: number;
  stepSize: number;
  minQty: number;
  maxQty: number;
  minPrice: number;
  maxPrice: number;
  minNotional: number;
}

export interface EmulatorOptions {
  /** The file's bars (src/data/bars.ts). */
  bars: Bars;
  /** Unified symbol, e.g. 'BTC/USDT' (served as the Binance id BTCUSDT). */
  symbol: string;
  /** The bars' spacing as a Binance interval: 1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w, or 1mo (Binance's 1M). */
  timeframe: string;
  /** 0 (the default) = a free port; the server always binds 127.0.0.1. */
  port?: number;
  /** Bars already closed at start; the next one is forming. Default: all but the last. */
  closedBars?: number;
  /** Bars per second the clock closes; 0 (the default) = only advance() / POST /rrr/advance moves it. */
  speed?: number;
  /** Overrides of the filters derived from the data (see filters.ts). */
  filters?: Partial<Pick<SymbolFilters, 'tickSize' | 'stepSize' | 'minNotional' | 'minQty'>>;
  /** Starting balances; default { [quote]: 10000, [base]: 0 }. */
  balances?: Record<string, number>;
  apiKey?: string;
  secret?: string;
  /** Commission on every fill, charged in the quote currency; default 0.001 (Binance's base rate). */
  feeRate?: number;
  /** Largest share of a bar's volume that fills, over all orders, in that bar; default 0.1. Infinity = no cap. */
  volumeShare?: number;
}

/**
 * A fault the next requests get, instead of their answer. `count` requests (default 1) whose path starts with
 * `path` (default: any API path; the /rrr/ admin surface never faults).
 * - 'rate-limit': HTTP 429 {code:-1003} with Retry-After; 'ban': HTTP 418 {code:-1003} with Retry-After.
 * - 'server-error': HTTP `status` (default 503) with a non-JSON body, as a proxy in front of the venue answers.
 * - 'timeout': no answer at all (the socket stays open until the client gives up or the emulator closes).
 * - 'drop': the connection is closed without an answer.
 */
export interface FaultSpec {
  kind: 'rate-limit' | 'ban' | 'server-error' | 'timeout' | 'drop';
  count?: number;
  path?: string;
  /** Seconds, for 'rate-limit' and 'ban'; default 1. */
  retryAfter?: number;
  /** For 'server-error': 500-599; default 503. */
  status?: number;
}

export interface Emulator {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  readonly secret: string;
  /** Close the forming bar(s): resting orders are matched against each one as it closes. */
  advance(bars?: number): void;
  injectFault(fault: FaultSpec): void;
  readonly closedBars: number;
  /** Balances, open orders and trades, as GET /rrr/state answers. */
  state(): EmulatorState;
  close(): Promise<void>;
}

export interface EmulatorState {
  symbol: string;
  timeframe: string;
  closedBars: number;
  totalBars: number;
  /** Open time of the forming bar (epoch ms), or null once every bar is closed. */
  formingBarTime: number | null;
  balances: Record<string, { free: number; locked: number }>;
  openOrders: unknown[];
  trades: unknown[];
}
