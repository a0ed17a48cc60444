import type { Bars } from '../../data/bars.js';
import { BinanceError } from './signing.js';
import { filterFailure, floorToStep, roundToStep } from './filters.js';
import type { SymbolFilters } from './types.js';

export type Side = 'BUY' | 'SELL';
export type OrderType = 'MARKET' | 'LIMIT' | 'LIMIT_MAKER';
export type Status = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED';

export interface Order {
  orderId: number;
  clientOrderId: string;
  side: Side;
  type: OrderType;
  timeInForce: 'GTC' | 'IOC' | 'FOK';
  /** Limit price; 0 for market orders, as Binance writes it. */
  price: number;
  origQty: number;
  origQuoteOrderQty: number;
  executedQty: number;
  cumQuote: number;
  status: Status;
  time: number;
  updateTime: number;
  /** Bar that was forming when the order arrived. */
  placedBar: number;
  /** What the order holds locked: quote for a buy (qty x price x (1 + fee)), base for a sell. */
  reserved: number;
}

export interface Trade {
  id: number;
  orderId: number;
  side: Side;
  price: number;
  qty: number;
  quoteQty: number;
  commission: number;
  time: number;
  isMaker: boolean;
  bar: number;
}

export interface NewOrder {
  side: Side;
  type: OrderType;
  timeInForce?: 'GTC' | 'IOC' | 'FOK';
  quantity?: number;
  quoteOrderQty?: number;
  price?: number;
  clientOrderId: string;
}

const reject = (message: string) => new BinanceError(400, -2010, message);

/**
 * One symbol's market and one account on it: the bar clock, balances, orders and trades.
 *
 * Fills: a market order (and the marketable part of a limit order) fills at once at the forming bar's open.
 * Resting limit orders are matched when a bar closes: at the open when the bar opens through the price (bars
 * after the one it was placed in), otherwise at the limit price when the bar's range reaches it (low <= buy
 * price, high >= sell price). Each bar fills at most volumeShare x its volume over all orders, in time
 * priority; what does not fit stays resting (limit) or expires (market, IOC), so partial fills happen.
 * Commission: feeRate x the fill's quote amount, in the quote currency, for makers and takers alike.
 */
export class Market {
  closed: number;
  readonly balances = new Map<string, { free: number; locked: number }>();
  readonly orders: Order[] = [];
  readonly trades: Trade[] = [];
  private readonly used: number[] = [];
  private nextOrderId = 1;
  private nextTradeId = 1;

  constructor(
    readonly bars: Bars,
    readonly base: string,
    readonly quote: string,
    readonly filters: SymbolFilters,
    readonly feeRate: number,
    readonly volumeShare: number,
    readonly barMs: number,
    closed: number,
    balances: Record<string, number>,
  ) {
    this.closed = closed;
    for (const asset of [base, quote]) this.balances.set(asset, { free: 0, locked: 0 });
    for (const [asset, amount] of Object.entries(balances)) this.balances.set(asset, { free: amount, locked: 0 });
  }

  /** Index of the forming bar, or undefined once every bar is closed. */
  get forming(): number | undefined {
    return this.closed < this.bars.length ? this.closed : undefined;
  }

  /** The market clock: the forming bar's open time (after the last bar: its close time). */
  get now(): number {
    const c = this.forming;
    return c !== undefined ? this.bars.time[c] : this.bars.time[this.bars.length - 1] + this.barMs;
  }

  /** The price a market order fills at now: the forming bar's open (after the last bar: its close). */
  get price(): number {
    const c = this.forming;
    return c !== undefined ? this.bars.open[c] : this.bars.close[this.bars.length - 1];
  }

  private balance(asset: string) {
    let b = this.balances.get(asset);
    if (!b) this.balances.set(asset, (b = { free: 0, locked: 0 }));
    return b;
  }

  private budget(bar: number): number {
    const volume = this.bars.volume[bar];
    if (!Number.isFinite(this.volumeShare) || !Number.isFinite(volume)) return Infinity;
    return Math.max(0, this.volumeShare * volume - (this.used[bar] ?? 0));
  }

  place(request: NewOrder): { order: Order; fills: Trade[] } {
    const c = this.forming;
    if (c === undefined) throw new BinanceError(400, -1013, 'Market is closed.');
    const { side, type } = request;
    if (this.orders.some((o) => o.clientOrderId === request.clientOrderId && this.isOpen(o))) throw reject('Duplicate order sent.');
    const open = this.bars.open[c];
    let qty = request.quantity;
    if (qty === undefined) {
      if (type !== 'MARKET' || request.quoteOrderQty === undefined) throw new BinanceError(400, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.");
      qty = floorToStep(request.quoteOrderQty / open, this.filters.stepSize);
    }
    const limit = type === 'MARKET' ? undefined : request.price;
    if (type !== 'MARKET' && limit === undefined) throw new BinanceError(400, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.");
    const failure = filterFailure(this.filters, qty, limit, limit ?? open);
    if (failure) throw new BinanceError(400, -1013, failure);
    const marketable = limit === undefined || (side === 'BUY' ? limit >= open : limit <= open);
    if (type === 'LIMIT_MAKER' && marketable) throw reject('Order would immediately match and take.');
    const unitReserve = side === 'BUY' ? (limit ?? open) * (1 + this.feeRate) : 1;
    const reserve = qty * unitReserve;
    const held = this.balance(side === 'BUY' ? this.quote : this.base);
    if (reserve > held.free + 1e-9) throw reject('Account has insufficient balance for requested action.');
    const tif = type === 'LIMIT' ? (request.timeInForce ?? 'GTC') : 'GTC';
    if (tif === 'FOK' && marketable && this.budget(c) < qty) {
      return { order: this.record(request, qty, limit, tif, c, 0, 'EXPIRED'), fills: [] };
    }
    held.free -= reserve;
    held.locked += reserve;
    const order = this.record(request, qty, limit, tif, c, reserve, 'NEW');
    const fills: Trade[] = [];
    if (marketable) {
      const fill = this.fill(order, c, open, false);
      if (fill) fills.push(fill);
      if (order.status !== 'FILLED' && (type === 'MARKET' || tif !== 'GTC')) this.finish(order, 'EXPIRED');
    }
    return { order, fills };
  }

  private record(request: NewOrder, qty: number, limit: number | undefined, tif: Order['timeInForce'], bar: number, reserved: number, status: Status): Order {
    const order: Order = {
      orderId: this.nextOrderId++,
      clientOrderId: request.clientOrderId,
      side: request.side,
      type: request.type,
      timeInForce: tif,
      price: limit ?? 0,
      origQty: qty,
      origQuoteOrderQty: request.quantity === undefined ? (request.quoteOrderQty ?? 0) : 0,
      executedQty: 0,
      cumQuote: 0,
      status,
      time: this.now,
      updateTime: this.now,
      placedBar: bar,
      reserved,
    };
    this.orders.push(order);
    return order;
  }

  /** Fills as much of the order as bar `bar`'s volume budget allows, at `price`. */
  private fill(order: Order, bar: number, price: number, isMaker: boolean): Trade | undefined {
    const remaining = roundToStep(order.origQty - order.executedQty, this.filters.stepSize);
    const qty = Math.min(remaining, floorToStep(this.budget(bar), this.filters.stepSize));
    if (!(qty > 0)) return undefined;
    this.used[bar] = (this.used[bar] ?? 0) + qty;
    const quoteQty = Number((qty * price).toFixed(8));
    const commission = Number((quoteQty * this.feeRate).toFixed(8));
    const quote = this.balance(this.quote);
    const base = this.balance(this.base);
    if (order.side === 'BUY') {
      const release = order.origQty > 0 ? Math.min(order.reserved, (qty * order.reserved) / remaining) : 0;
      order.reserved -= release;
      quote.locked -= release;
      quote.free += release - quoteQty - commission;
      base.free += qty;
    } else {
      order.reserved -= qty;
      base.locked -= qty;
      quote.free += quoteQty - commission;
    }
    order.executedQty = roundToStep(order.executedQty + qty, this.filters.stepSize);
    order.cumQuote = Number((order.cumQuote + quoteQty).toFixed(8));
    order.updateTime = this.bars.time[bar];
    const trade: Trade = { id: this.nextTradeId++, orderId: order.orderId, side: order.side, price, qty, quoteQty, commission, time: this.bars.time[bar], isMaker, bar };
    this.trades.push(trade);
    if (order.executedQty >= order.origQty - 1e-12) this.finish(order, 'FILLED');
    else order.status = 'PARTIALLY_FILLED';
    return trade;
  }

  /** Ends an order and gives back whatever it still holds locked. */
  finish(order: Order, status: Status): void {
    const held = this.balance(order.side === 'BUY' ? this.quote : this.base);
    held.locked -= order.reserved;
    held.free += order.reserved;
    order.reserved = 0;
    order.status = status;
    order.updateTime = this.now;
  }

  isOpen(order: Order): boolean {
    return order.status === 'NEW' || order.status === 'PARTIALLY_FILLED';
  }

  /** Closes the forming bar: resting orders are matched against its open and range, in time priority. */
  closeBar(): void {
    const b = this.forming;
    if (b === undefined) throw new RangeError('Every bar is already closed.');
    const { open, high, low } = this.bars;
    for (const order of this.orders) {
      if (!this.isOpen(order) || order.type === 'MARKET') continue;
      const buy = order.side === 'BUY';
      if (order.placedBar < b && (buy ? open[b] <= order.price : open[b] >= order.price)) this.fill(order, b, open[b], true);
      else if (buy ? low[b] <= order.price : high[b] >= order.price) this.fill(order, b, order.price, true);
    }
    this.closed++;
  }

  find(orderId: number | undefined, clientOrderId: string | undefined): Order | undefined {
    return this.orders.find((o) => (orderId !== undefined ? o.orderId === orderId : o.clientOrderId === clientOrderId));
  }
}
