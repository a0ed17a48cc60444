/**
 * Pre-trade checks against a venue's filters, before an order is sent: the amount is rounded down to the lot
 * step and the price to the tick, then the order is refused when under the minimum quantity or notional,
 * over the maximum quantity, or beyond the free balance (spot: a buy spends quote, a sell spends base).
 *
 * Rounding is done in whole steps with exact integers: a float such as 0.1 + 0.2 (0.30000000000000004) is
 * read at the 15 significant digits a double holds faithfully (0.3), so it is 3 steps of 0.1 and not 2.
 * Limit prices round toward the trader's side (a buy down, a sell up: never a worse price than asked);
 * trigger prices of stop orders round to the nearest tick.
 */
import type { MarketInfo, OrderRequest, RiskDecision, RiskState } from './types.js';

export type MarketFilters = Pick<MarketInfo, 'tickSize' | 'stepSize' | 'minQty' | 'minNotional'> & {
  /** Largest amount one order may have (absent or 0 = no maximum). */
  readonly maxQty?: number;
  /** Currencies of the symbol; taken from `BASE/QUOTE` in the order's symbol when absent. */
  readonly base?: string;
  readonly quote?: string;
};

export interface PreTradeOptions {
  /** Fee rate on notional a buy must also pay from the quote balance (default 0). */
  readonly feeRate?: number;
}

export interface PreTradeResult {
  readonly allowed: boolean;
  readonly rule: 'ok' | 'precision' | 'min-size' | 'max-size' | 'balance';
  /** One sentence. */
  readonly reason: string;
  /** The order to send, rounded to the venue's steps; absent when refused. */
  readonly order?: OrderRequest;
  /** What rounding changed, one phrase each (empty when nothing did). */
  readonly changes: readonly string[];
}

/** value = digits x 10^exp, exactly. */
interface Decimal {
  readonly digits: bigint;
  readonly exp: number;
}

/** A positive double as the decimal its 15 significant digits spell. */
function decimal(x: number): Decimal {
  const [mantissa, e = '0'] = x.toPrecision(15).split('e');
  const [whole, fraction = ''] = mantissa.split('.');
  const kept = fraction.replace(/0+$/, '');
  return { digits: BigInt(whole + kept), exp: Number(e) - kept.length };
}

const pow10 = (n: number) => 10n ** BigInt(n);

/** `value` rounded to a whole number of `step`s (step > 0), exactly, back as the nearest double. */
export function roundToStep(value: number, step: number, mode: 'down' | 'up' | 'nearest'): number {
  const v = decimal(value);
  const s = decimal(step);
  const exp = Math.min(v.exp, s.exp);
  const V = v.digits * pow10(v.exp - exp);
  const S = s.digits * pow10(s.exp - exp);
  let steps = V / S;
  const rest = V % S;
  if (rest > 0n && (mode === 'up' || (mode === 'nearest' && 2n * rest >= S))) steps += 1n;
  return Number(`${steps * S}e${exp}`);
}

/** Float noise allowed when comparing with a balance: a relative 1e-9 is far below any venue's step. */
const TOLERANCE = 1e-9;

/** Rounds the order to the venue's steps and checks it against its filters and the free balances. */
export function preTradeCheck(order: OrderRequest, market: MarketFilters, balances: Readonly<Record<string, number>>, refPrice: number, options: PreTradeOptions = {}): PreTradeResult {
  const id = `Order ${order.clientOrderId}`;
  const changes: string[] = [];
  const refuse = (rule: PreTradeResult['rule'], reason: string): PreTradeResult => ({ allowed: false, rule, reason, changes });
  if (!(order.amount > 0) || !Number.isFinite(order.amount)) return refuse('min-size', `${id} has amount ${order.amount}: an amount must be a number greater than 0.`);
  for (const [name, value] of [['price', order.price], ['stop price', order.stopPrice], ['reference price', refPrice]] as const) {
    if (value !== undefined && !(value > 0 && Number.isFinite(value))) return refuse('precision', `${id} has ${name} ${value}: a price must be a number greater than 0.`);
  }

  let amount = order.amount;
  if (market.stepSize > 0) {
    amount = roundToStep(order.amount, market.stepSize, 'down');
    if (amount !== order.amount) changes.push(`amount rounded down from ${order.amount} to ${amount} (step ${market.stepSize})`);
    if (amount === 0) return refuse('min-size', `${id} amount ${order.amount} is less than one lot step (${market.stepSize}) of ${order.symbol}, so it rounds down to 0.`);
  }
  let price = order.price;
  let stopPrice = order.stopPrice;
  if (market.tickSize > 0) {
    if (price !== undefined) {
      const rounded = roundToStep(price, market.tickSize, order.side === 'buy' ? 'down' : 'up');
      if (rounded !== price) changes.push(`limit price rounded ${order.side === 'buy' ? 'down' : 'up'} from ${price} to ${rounded} (tick ${market.tickSize})`);
      price = rounded;
    }
    if (stopPrice !== undefined) {
      const rounded = roundToStep(stopPrice, market.tickSize, 'nearest');
      if (rounded !== stopPrice) changes.push(`stop price rounded from ${stopPrice} to ${rounded} (tick ${market.tickSize})`);
      stopPrice = rounded;
    }
    if (price === 0 || stopPrice === 0) return refuse('precision', `${id} price is less than one tick (${market.tickSize}) of ${order.symbol}.`);
  }
  const after = changes.length > 0 ? ` (after rounding: ${changes.join('; ')})` : '';

  if (amount < market.minQty) return refuse('min-size', `${id} amount ${amount} is below the minimum quantity ${market.minQty} of ${order.symbol}${after}.`);
  if (market.maxQty !== undefined && market.maxQty > 0 && amount > market.maxQty) {
    return refuse('max-size', `${id} amount ${amount} is above the maximum quantity ${market.maxQty} of ${order.symbol}: split it or lower the size.`);
  }
  const at = price ?? stopPrice ?? refPrice;
  const notional = amount * at;
  if (notional < market.minNotional) {
    return refuse('min-size', `${id} is worth ${Number(notional.toPrecision(10))} at ${at}, below the minimum notional ${market.minNotional} of ${order.symbol}${after}.`);
  }

  const [symbolBase, symbolQuote] = order.symbol.split('/');
  const base = market.base ?? symbolBase;
  const quote = market.quote ?? (symbolQuote ?? '').split(':')[0];
  if (order.side === 'buy') {
    const cost = notional * (1 + (options.feeRate ?? 0));
    const free = balances[quote] ?? 0;
    if (cost > free * (1 + TOLERANCE)) return refuse('balance', `${id} needs ${Number(cost.toPrecision(10))} ${quote} at ${at} but only ${free} ${quote} is free.`);
  } else {
    const free = balances[base] ?? 0;
    if (amount > free * (1 + TOLERANCE)) return refuse('balance', `${id} sells ${amount} ${base} but only ${free} ${base} is free.`);
  }

  const rounded: OrderRequest = { ...order, amount, ...(price === undefined ? {} : { price }), ...(stopPrice === undefined ? {} : { stopPrice }) };
  if (changes.length === 0) return { allowed: true, rule: 'ok', reason: `${id} meets the filters of ${order.symbol} and the free balance.`, order: rounded, changes };
  return { allowed: true, rule: 'precision', reason: `${id} meets the filters of ${order.symbol} and the free balance once rounded: ${changes.join('; ')}.`, order: rounded, changes };
}

/** The check as a journaled decision, with the risk guard's state at the time. */
export function preTradeDecision(result: PreTradeResult, clientOrderId: string, state: RiskState, time: number): RiskDecision {
  return { time, clientOrderId, allowed: result.allowed, rule: result.rule, reason: result.reason, state };
}
