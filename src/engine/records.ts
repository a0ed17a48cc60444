/** Row objects for JSON rendering of the columnar logs (not for hot paths). */
import { formatTime } from '../data/time.js';
import { reasonName } from './reasons.js';
import type { OrderLog, TradeLog } from './types.js';

export interface TradeRecord {
  asset: number;
  /** symbols[asset] when symbols were given, else null. */
  symbol: string | null;
  direction: 'long' | 'short';
  entryBar: number;
  exitBar: number;
  /** ISO-8601 UTC time of the entry bar (null when the bars have no valid time there). */
  entryTime: string | null;
  exitTime: string | null;
  entryPrice: number;
  exitPrice: number;
  size: number;
  fees: number;
  pnl: number;
  returnPct: number;
  exitReason: string;
  isOpen: boolean;
}

export interface OrderRecord {
  asset: number;
  /** symbols[asset] when symbols were given, else null. */
  symbol: string | null;
  bar: number;
  time: string | null;
  side: 'buy' | 'sell';
  price: number;
  size: number;
  fee: number;
  slippage: number;
  reason: string;
}

function iso(time: Float64Array | undefined, bar: number): string | null {
  const ms = time?.[bar];
  return ms === undefined || !Number.isFinite(ms) ? null : formatTime(ms);
}

function symbolOf(symbols: readonly string[] | undefined, asset: number): string | null {
  return symbols?.[asset] ?? null;
}

/**
 * The trade log as an array of plain objects; `bars` (any frame on the same time index) supplies the times,
 * `symbols` (one per asset, in asset order) the symbol of each record.
 */
export function tradesToObjects(trades: TradeLog, bars?: { readonly time: Float64Array }, symbols?: readonly string[]): TradeRecord[] {
  const out: TradeRecord[] = [];
  for (let i = 0; i < trades.count; i++) {
    out.push({
      asset: trades.asset[i],
      symbol: symbolOf(symbols, trades.asset[i]),
      direction: trades.direction[i] > 0 ? 'long' : 'short',
      entryBar: trades.entryBar[i],
      exitBar: trades.exitBar[i],
      entryTime: iso(bars?.time, trades.entryBar[i]),
      exitTime: iso(bars?.time, trades.exitBar[i]),
      entryPrice: trades.entryPrice[i],
      exitPrice: trades.exitPrice[i],
      size: trades.size[i],
      fees: trades.fees[i],
      pnl: trades.pnl[i],
      returnPct: trades.returnPct[i],
      exitReason: reasonName(trades.exitReason[i]),
      isOpen: trades.isOpen[i] === 1,
    });
  }
  return out;
}

/** The order log as an array of plain objects (times and symbols as for tradesToObjects). */
export function ordersToObjects(orders: OrderLog, bars?: { readonly time: Float64Array }, symbols?: readonly string[]): OrderRecord[] {
  const out: OrderRecord[] = [];
  for (let i = 0; i < orders.count; i++) {
    out.push({
      asset: orders.asset[i],
      symbol: symbolOf(symbols, orders.asset[i]),
      bar: orders.bar[i],
      time: iso(bars?.time, orders.bar[i]),
      side: orders.side[i] > 0 ? 'buy' : 'sell',
      price: orders.price[i],
      size: orders.size[i],
      fee: orders.fee[i],
      slippage: orders.slippage[i],
      reason: reasonName(orders.reason[i]),
    });
  }
  return out;
}
