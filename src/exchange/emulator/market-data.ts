import { addTimeframe } from '../../data/timeframe.js';
import { BinanceError, ERR } from './signing.js';
import { filterList, floorToStep, fmt } from './filters.js';
import { limitParam, number, type Params, type RouteContext } from './params.js';

/** The public market-data answers: exchangeInfo, klines, the indicative book and the 24h ticker. */

export function exchangeInfo(ctx: RouteContext) {
  const { market, symbolId } = ctx;
  return {
    timezone: 'UTC',
    serverTime: Date.now(),
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
    ],
    exchangeFilters: [],
    symbols: [
      {
        symbol: symbolId, status: 'TRADING', baseAsset: market.base, baseAssetPrecision: 8, quoteAsset: market.quote, quotePrecision: 8, quoteAssetPrecision: 8,
        baseCommissionPrecision: 8, quoteCommissionPrecision: 8, orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'], icebergAllowed: false, ocoAllowed: false,
        otoAllowed: false, quoteOrderQtyMarketAllowed: true, allowTrailingStop: false, cancelReplaceAllowed: false, isSpotTradingAllowed: true,
        isMarginTradingAllowed: false, filters: filterList(market.filters), permissions: [], permissionSets: [['SPOT']],
        defaultSelfTradePreventionMode: 'NONE', allowedSelfTradePreventionModes: ['NONE'],
      },
    ],
  };
}

/** First index whose time is >= t (sorted times). */
function lowerBound(time: Float64Array, t: number, n: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Closed bars, then the forming one as Binance shows it: here only its open is known, so open = high = low =
 * close and volume 0 until it closes. Without startTime the most recent `limit` bars up to endTime.
 */
export function klines(ctx: RouteContext, p: Params): unknown[] {
  const { market } = ctx;
  if (p.get('symbol') === null) throw ERR.mandatory('symbol');
  if (p.get('symbol')!.toUpperCase() !== ctx.symbolId) throw ERR.symbol();
  const interval = p.get('interval');
  if (interval === null) throw ERR.mandatory('interval');
  if (interval !== ctx.interval) throw new BinanceError(400, -1120, `Invalid interval.`);
  const limit = limitParam(p, 500, 1000);
  const { bars } = market;
  const visible = Math.min(market.closed + 1, bars.length);
  const start = number(p, 'startTime');
  const end = number(p, 'endTime');
  const hi = end === undefined ? visible : Math.min(visible, lowerBound(bars.time, end + 1, visible));
  const lo = start === undefined ? Math.max(0, hi - limit) : lowerBound(bars.time, start, visible);
  const stop = start === undefined ? hi : Math.min(hi, lo + limit);
  const rows: unknown[] = [];
  for (let i = lo; i < stop; i++) {
    const forming = i >= market.closed;
    const o = bars.open[i];
    const [h, l, c, v] = forming ? [o, o, o, 0] : [bars.high[i], bars.low[i], bars.close[i], Number.isFinite(bars.volume[i]) ? bars.volume[i] : 0];
    const closeTime = addTimeframe(bars.time[i], ctx.timeframe) - 1;
    rows.push([bars.time[i], fmt(o), fmt(h), fmt(l), fmt(c), fmt(v), closeTime, fmt(v * c), 0, fmt(0), fmt(0), '0']);
  }
  return rows;
}

/**
 * An indicative book around the current price (the forming bar's open): levels one tick apart on each side,
 * each holding 1% of the volume a bar may fill. Orders do not walk it: they fill as matching.ts says.
 */
export function depth(ctx: RouteContext, limit: number) {
  const { market } = ctx;
  const { tickSize, stepSize, minQty } = market.filters;
  const last = Math.max(0, Math.min(market.closed, market.bars.length) - 1);
  const volume = market.bars.volume[last];
  const perBar = Number.isFinite(volume) ? volume * (Number.isFinite(market.volumeShare) ? market.volumeShare : 1) : 100;
  const qty = fmt(Math.max(minQty, floorToStep(perBar / 100, stepSize)));
  const price = market.price;
  const bids: [string, string][] = [];
  const asks: [string, string][] = [];
  for (let k = 1; k <= limit; k++) {
    const bid = price - k * tickSize;
    if (bid > 0) bids.push([fmt(bid), qty]);
    asks.push([fmt(price + k * tickSize), qty]);
  }
  return { lastUpdateId: market.closed + 1, bids, asks };
}

export function ticker24h(ctx: RouteContext) {
  const { market, symbolId } = ctx;
  const { bars } = market;
  const now = market.now;
  const visible = Math.min(market.closed + 1, bars.length);
  const first = lowerBound(bars.time, now - 86_400_000, visible);
  let high = -Infinity;
  let low = Infinity;
  let volume = 0;
  let quoteVolume = 0;
  for (let i = first; i < visible; i++) {
    const forming = i >= market.closed;
    high = Math.max(high, forming ? bars.open[i] : bars.high[i]);
    low = Math.min(low, forming ? bars.open[i] : bars.low[i]);
    if (!forming && Number.isFinite(bars.volume[i])) {
      volume += bars.volume[i];
      quoteVolume += bars.volume[i] * bars.close[i];
    }
  }
  const open = bars.open[Math.min(first, visible - 1)];
  const last = market.price;
  const book = depth(ctx, 1);
  return {
    symbol: symbolId, priceChange: fmt(last - open), priceChangePercent: ((100 * (last - open)) / open).toFixed(3), weightedAvgPrice: fmt(volume > 0 ? quoteVolume / volume : last),
    prevClosePrice: fmt(market.closed > 0 ? bars.close[Math.min(market.closed, bars.length) - 1] : open), lastPrice: fmt(last), lastQty: fmt(0),
    bidPrice: book.bids[0]?.[0] ?? fmt(0), bidQty: book.bids[0]?.[1] ?? fmt(0), askPrice: book.asks[0][0], askQty: book.asks[0][1], openPrice: fmt(open),
    highPrice: fmt(high), lowPrice: fmt(low), volume: fmt(volume), quoteVolume: fmt(quoteVolume), openTime: bars.time[Math.min(first, visible - 1)], closeTime: now,
    firstId: -1, lastId: -1, count: 0,
  };
}
