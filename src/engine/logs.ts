import { trialScratch } from '../indicators/cache.js';
import type { OrderLog, TradeLog } from './types.js';

/**
 * Preallocated, growable order and trade columns (grown by doubling, trimmed to `count` at the end). In a sweep
 * trial (withTrialScratch) they come from the trial's scratch: an earlier trial's log, emptied. Rows past
 * `count` are never read, so the stale values there change nothing.
 */

function emptied<L extends { count: number }>(log: L): L {
  log.count = 0;
  return log;
}

export function allocateOrderLog(capacity: number): OrderLog {
  const scratch = trialScratch();
  return scratch === undefined ? newOrderLog(capacity) : scratch.take('orderLog', () => newOrderLog(capacity), emptied);
}

function newOrderLog(capacity: number): OrderLog {
  const c = Math.max(16, capacity | 0);
  return {
    bar: new Int32Array(c),
    asset: new Int32Array(c),
    side: new Int8Array(c),
    price: new Float64Array(c),
    size: new Float64Array(c),
    fee: new Float64Array(c),
    slippage: new Float64Array(c),
    reason: new Uint8Array(c),
    count: 0,
  };
}

function grow<T extends Int32Array | Int8Array | Uint8Array | Float64Array>(a: T, capacity: number): T {
  const b = new (a.constructor as new (n: number) => T)(capacity);
  b.set(a);
  return b;
}

/** Doubles the capacity of every column in place of the log object. */
export function growOrderLog(log: OrderLog): void {
  const c = log.bar.length * 2;
  log.bar = grow(log.bar, c);
  log.asset = grow(log.asset, c);
  log.side = grow(log.side, c);
  log.price = grow(log.price, c);
  log.size = grow(log.size, c);
  log.fee = grow(log.fee, c);
  log.slippage = grow(log.slippage, c);
  log.reason = grow(log.reason, c);
}

export function pushOrder(
  log: OrderLog,
  bar: number,
  asset: number,
  side: number,
  price: number,
  size: number,
  fee: number,
  slippage: number,
  reason: number,
): void {
  if (log.count === log.bar.length) growOrderLog(log);
  const i = log.count++;
  log.bar[i] = bar;
  log.asset[i] = asset;
  log.side[i] = side;
  log.price[i] = price;
  log.size[i] = size;
  log.fee[i] = fee;
  log.slippage[i] = slippage;
  log.reason[i] = reason;
}

/** Views of the first `count` rows (no copy). */
export function trimOrderLog(log: OrderLog): OrderLog {
  const n = log.count;
  return {
    bar: log.bar.subarray(0, n),
    asset: log.asset.subarray(0, n),
    side: log.side.subarray(0, n),
    price: log.price.subarray(0, n),
    size: log.size.subarray(0, n),
    fee: log.fee.subarray(0, n),
    slippage: log.slippage.subarray(0, n),
    reason: log.reason.subarray(0, n),
    count: n,
  };
}

export function allocateTradeLog(capacity: number): TradeLog {
  const scratch = trialScratch();
  return scratch === undefined ? newTradeLog(capacity) : scratch.take('tradeLog', () => newTradeLog(capacity), emptied);
}

function newTradeLog(capacity: number): TradeLog {
  const c = Math.max(16, capacity | 0);
  return {
    asset: new Int32Array(c),
    entryBar: new Int32Array(c),
    exitBar: new Int32Array(c),
    entryPrice: new Float64Array(c),
    exitPrice: new Float64Array(c),
    size: new Float64Array(c),
    fees: new Float64Array(c),
    pnl: new Float64Array(c),
    returnPct: new Float64Array(c),
    direction: new Int8Array(c),
    exitReason: new Uint8Array(c),
    isOpen: new Uint8Array(c),
    count: 0,
  };
}

export function growTradeLog(log: TradeLog): void {
  const c = log.entryBar.length * 2;
  log.asset = grow(log.asset, c);
  log.entryBar = grow(log.entryBar, c);
  log.exitBar = grow(log.exitBar, c);
  log.entryPrice = grow(log.entryPrice, c);
  log.exitPrice = grow(log.exitPrice, c);
  log.size = grow(log.size, c);
  log.fees = grow(log.fees, c);
  log.pnl = grow(log.pnl, c);
  log.returnPct = grow(log.returnPct, c);
  log.direction = grow(log.direction, c);
  log.exitReason = grow(log.exitReason, c);
  log.isOpen = grow(log.isOpen, c);
}

/**
 * Appends a trade; pnl = size x (exitPrice - entryPrice) - fees and returnPct = pnl / (|size| x entryPrice) x 100.
 * Returns returnPct.
 */
export function pushTrade(
  log: TradeLog,
  asset: number,
  entryBar: number,
  exitBar: number,
  entryPrice: number,
  exitPrice: number,
  size: number,
  fees: number,
  exitReason: number,
  isOpen: boolean,
): number {
  if (log.count === log.entryBar.length) growTradeLog(log);
  const i = log.count++;
  const pnl = size * (exitPrice - entryPrice) - fees;
  const ret = (pnl / (Math.abs(size) * entryPrice)) * 100;
  log.asset[i] = asset;
  log.entryBar[i] = entryBar;
  log.exitBar[i] = exitBar;
  log.entryPrice[i] = entryPrice;
  log.exitPrice[i] = exitPrice;
  log.size[i] = size;
  log.fees[i] = fees;
  log.pnl[i] = pnl;
  log.returnPct[i] = ret;
  log.direction[i] = size > 0 ? 1 : -1;
  log.exitReason[i] = exitReason;
  log.isOpen[i] = isOpen ? 1 : 0;
  return ret;
}

export function trimTradeLog(log: TradeLog): TradeLog {
  const n = log.count;
  return {
    asset: log.asset.subarray(0, n),
    entryBar: log.entryBar.subarray(0, n),
    exitBar: log.exitBar.subarray(0, n),
    entryPrice: log.entryPrice.subarray(0, n),
    exitPrice: log.exitPrice.subarray(0, n),
    size: log.size.subarray(0, n),
    fees: log.fees.subarray(0, n),
    pnl: log.pnl.subarray(0, n),
    returnPct: log.returnPct.subarray(0, n),
    direction: log.direction.subarray(0, n),
    exitReason: log.exitReason.subarray(0, n),
    isOpen: log.isOpen.subarray(0, n),
    count: n,
  };
}
