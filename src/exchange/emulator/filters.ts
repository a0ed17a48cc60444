import type { Bars } from '../../data/bars.js';
import type { SymbolFilters } from './types.js';

/**
 * Default trading rules derived from the data, so any file gets filters a client must respect:
 * - tickSize: 10^-d where d is the most decimals any price in the file has (at most 8), so every price in the
 *   file is on the grid;
 * - stepSize (and minQty): 10^-(k+1) where 10^k is the order of magnitude of the median close (0.00001 at
 *   prices in the thousands, as Binance's BTCUSDT), between 1e-8 and 1;
 * - minNotional 5 (Binance's USDT pairs); maxQty 9,000,000 units; price bounds one tick to 100 x the highest high.
 */
export function deriveFilters(bars: Bars, overrides: Partial<SymbolFilters> = {}): SymbolFilters {
  const tickSize = overrides.tickSize ?? pow10(-priceDecimals(bars));
  const stepSize = overrides.stepSize ?? defaultStep(bars);
  let maxHigh = 0;
  for (let i = 0; i < bars.length; i++) if (bars.high[i] > maxHigh) maxHigh = bars.high[i];
  const filters: SymbolFilters = {
    tickSize,
    stepSize,
    minQty: overrides.minQty ?? stepSize,
    maxQty: overrides.maxQty ?? 9_000_000,
    minPrice: overrides.minPrice ?? tickSize,
    maxPrice: overrides.maxPrice ?? roundToStep(Math.max(maxHigh * 100, 1), tickSize),
    minNotional: overrides.minNotional ?? 5,
  };
  for (const [key, value] of Object.entries(filters)) {
    if (!(Number.isFinite(value) && value >= 0) || (key !== 'minNotional' && value === 0)) {
      throw new RangeError(`Filter ${key} must be a positive number (got ${value}).`);
    }
  }
  if (decimalsOf(filters.tickSize) > 8 || decimalsOf(filters.stepSize) > 8) throw new RangeError('tickSize and stepSize must have at most 8 decimals, as Binance writes numbers.');
  return filters;
}

function priceDecimals(bars: Bars): number {
  let most = 0;
  const fields = [bars.open, bars.high, bars.low, bars.close];
  // A sample is enough: the decimals of a file are a property of how it was written, not of each row.
  const stride = Math.max(1, Math.floor(bars.length / 2000));
  for (const column of fields) {
    for (let i = 0; i < bars.length && most < 8; i += stride) most = Math.max(most, decimalsOf(column[i]));
  }
  return most;
}

function defaultStep(bars: Bars): number {
  const closes = Array.from(bars.close).filter((x) => x > 0).sort((a, b) => a - b);
  const median = closes.length > 0 ? closes[Math.floor(closes.length / 2)] : 1;
  const k = Math.floor(Math.log10(median));
  return pow10(-Math.min(8, Math.max(0, k + 1)));
}

/** 10^e written exactly (10 ** -4 is 0.00009999999999999999). */
const pow10 = (e: number) => Number(`1e${e}`);

/** Decimals needed to write x exactly (up to 8; beyond that it is treated as 8). */
export function decimalsOf(x: number): number {
  if (!Number.isFinite(x)) return 0;
  for (let d = 0; d <= 8; d++) {
    const scaled = x * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, Math.abs(scaled))) return d;
  }
  return 8;
}

/** Nearest multiple of step, without the binary noise of x / step * step. */
export function roundToStep(x: number, step: number): number {
  const d = decimalsOf(step);
  return Number((Math.round(x / step) * step).toFixed(d));
}

export function floorToStep(x: number, step: number): number {
  const d = decimalsOf(step);
  return Number((Math.floor(x / step + 1e-9) * step).toFixed(d));
}

function onGrid(x: number, step: number): boolean {
  const k = x / step;
  return Math.abs(k - Math.round(k)) < 1e-6;
}

/** Binance's own reason for refusing the order, or undefined when it passes every filter. */
export function filterFailure(filters: SymbolFilters, qty: number, price: number | undefined, notionalPrice: number): string | undefined {
  if (price !== undefined && (price < filters.minPrice || price > filters.maxPrice || !onGrid(price, filters.tickSize))) return 'Filter failure: PRICE_FILTER';
  if (qty < filters.minQty - 1e-12 || qty > filters.maxQty || !onGrid(qty, filters.stepSize)) return 'Filter failure: LOT_SIZE';
  if (qty * notionalPrice < filters.minNotional - 1e-9) return 'Filter failure: NOTIONAL';
  return undefined;
}

/** Numbers as Binance writes them: strings with 8 decimals. */
export function fmt(x: number): string {
  return (Math.abs(x) < 5e-9 ? 0 : x).toFixed(8);
}

/** The exchangeInfo filter list, in Binance's shapes (strings with 8 decimals). */
export function filterList(f: SymbolFilters): Record<string, unknown>[] {
  return [
    { filterType: 'PRICE_FILTER', minPrice: fmt(f.minPrice), maxPrice: fmt(f.maxPrice), tickSize: fmt(f.tickSize) },
    { filterType: 'LOT_SIZE', minQty: fmt(f.minQty), maxQty: fmt(f.maxQty), stepSize: fmt(f.stepSize) },
    { filterType: 'NOTIONAL', minNotional: fmt(f.minNotional), applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 0 },
    { filterType: 'MARKET_LOT_SIZE', minQty: fmt(0), maxQty: fmt(f.maxQty), stepSize: fmt(0) },
  ];
}
