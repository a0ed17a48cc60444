import type { Bars } from '../data/bars.js';
import type { Timeframe } from '../data/timeframe.js';

/** One page of bars from a source, sorted by time, every bar at or after the page's `since`. */
export interface BarPage {
  bars: Bars;
  /** Where the next page starts (epoch ms), or undefined when the source has nothing more up to `until`. */
  next?: number;
}

/**
 * Where bars come from: an exchange through ccxt, or a data vendor's REST API. A source pages through
 * [since, until] its own way (Binance's startTime, Polygon's next_url) and throws ExchangeFailure (src/exchange/errors.ts) on failure.
 */
export interface BarSource {
  /** The name the user gives (--source binance, --vendor polygon); recorded with every bar it supplied. */
  readonly name: string;
  /** The URL it was pointed at (--exchange-url / --vendor-url), when not the venue's own. */
  readonly url?: string;
  /** The venue's own checks of the symbol and timeframe: one sentence naming what it has, on failure. */
  check?(symbol: string, timeframe: Timeframe): Promise<void>;
  /** Bars from `since` (inclusive) to `until` (inclusive), as pages; each page is fetched when asked for. */
  pages(symbol: string, timeframe: Timeframe, since: number, until: number): AsyncIterable<BarPage>;
  /** The venue's clock (epoch ms), to tell a closed bar from the forming one; the local clock when it has none. */
  now?(): Promise<number>;
  close?(): Promise<void>;
}
