/**
 * Orders on an exchange through ccxt, for one symbol.
 *
 * - Before anything is sent, the amount (and price) are rounded with ccxt's own amountToPrecision /
 *   priceToPrecision (the venue's lot step and tick) and checked against MarketInfo (minimum quantity and
 *   notional): an order that fails is a 'rejected' status with its sentence, and nothing reaches the venue.
 * - The runner's clientOrderId is the venue's (binance newClientOrderId), which makes submit idempotent: the
 *   venue is first asked for an order with that id, and one that exists (sent before a crash, or by a try
 *   whose answer was lost) is adopted, never sent twice. A retryable failure of the create call goes back
 *   through the same lookup.
 * - Stop-loss / take-profit rest on the venue as orders only where MarketInfo.stopOrders says so (binance
 *   spot STOP_LOSS / TAKE_PROFIT); elsewhere they are refused here and the runner emulates them.
 * - sync() reads fills from fetchMyTrades (each trade id counted once, including across a restart when the
 *   journal's fill ids are passed back in) and states from fetchOpenOrders / fetchOrder.
 */
import type { Exchange } from '../exchange/client.js';
import { callExchange, errorContextOf } from '../exchange/client.js';
import { ExchangeFailure } from '../exchange/errors.js';
import { abortableSleep, backoffDelay, RETRY_DEFAULTS, type RetryOptions } from '../exchange/retry.js';
import type { Broker, Fill, MarketInfo, OrderRequest, OrderState, OrderStatus } from './types.js';

/** The parts of a ccxt order and trade read here (ccxt's own types are wider and mostly optional). */
interface VenueOrder {
  id?: string;
  clientOrderId?: string;
  status?: string;
  filled?: number;
  remaining?: number;
  amount?: number;
  average?: number;
  timestamp?: number;
  info?: Record<string, unknown>;
}
interface VenueTrade {
  id?: string;
  order?: string;
  side?: string;
  amount?: number;
  price?: number;
  timestamp?: number;
  fee?: { cost?: number; currency?: string; rate?: number };
  cost?: number;
}

export interface ExchangeBrokerOptions {
  readonly exchange: Exchange;
  /** The rules of `market.symbol` (from marketInfo()), used to round and check every order. */
  readonly market: MarketInfo;
  /** Client order ids starting with this are this run's: their trades are reconciled even when not known yet. */
  readonly clientOrderIdPrefix?: string;
  /**
   * What the journal holds after a restart: the orders sent (with their venue ids when known), the fills
   * counted, and `since`, the run's start on the venue's clock, from which trades are read again (without it,
   * the venue's recent trades). Without `restore` the broker starts after the account's newest trade.
   */
  readonly restore?: { readonly orders?: readonly OrderStatus[]; readonly fillIds?: Iterable<string>; readonly since?: number };
  /** The bar index a fill's time falls in (the runner knows its bars); default -1 (unknown). */
  readonly barOf?: (time: number) => number;
  /** The price a market order's notional is checked at (default: the venue's best ask / bid). */
  readonly referencePrice?: (side: 'buy' | 'sell') => number | undefined;
  /** Backoff for venue calls (default: 5 tries, 250 ms doubling, Retry-After honoured). */
  readonly retry?: RetryOptions;
}

const FINAL: ReadonlySet<OrderState> = new Set(['filled', 'cancelled', 'rejected', 'expired']);

/** Binance's rule for client order ids; other venues get the same check (it is the strictest common one). */
const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

export class ExchangeBroker implements Broker {
  readonly kind = 'exchange' as const;
  private readonly exchange: Exchange;
  private readonly market: MarketInfo;
  private readonly prefix?: string;
  private readonly barOf: (time: number) => number;
  private readonly referencePrice?: (side: 'buy' | 'sell') => number | undefined;
  private readonly retry: RetryOptions;
  private readonly name: string;
  /** Orders by clientOrderId, with their last reported status. */
  private readonly orders = new Map<string, OrderStatus>();
  /** clientOrderId by the venue's order id (trades carry only the latter). */
  private readonly byVenueId = new Map<string, string>();
  private readonly seenFills = new Set<string>();
  /**
   * Trades are read from here on: the largest trade id seen + 1 on binance, otherwise a time. Undefined until
   * first needed on a fresh broker: then the account's newest trade is the baseline (older ones are not ours).
   */
  private tradeCursor: { fromId?: string; since?: number } | undefined;
  /** Venue order ids looked up and found not to be this run's. */
  private readonly notOurs = new Set<string>();
  /** Statuses changed since the last sync(), reported by it. */
  private readonly changed = new Map<string, OrderStatus>();

  constructor(options: ExchangeBrokerOptions) {
    this.exchange = options.exchange;
    this.market = options.market;
    this.prefix = options.clientOrderIdPrefix;
    this.barOf = options.barOf ?? (() => -1);
    this.referencePrice = options.referencePrice;
    this.retry = options.retry ?? {};
    this.name = errorContextOf(this.exchange).exchange;
    for (const status of options.restore?.orders ?? []) this.remember(status, false);
    for (const id of options.restore?.fillIds ?? []) this.seenFills.add(id);
    this.tradeCursor = options.restore ? { since: options.restore.since } : undefined;
  }

  async submit(order: OrderRequest): Promise<OrderStatus> {
    const known = this.orders.get(order.clientOrderId);
    if (known) return known;
    const prepared = await this.prepare(order);
    if ('rejected' in prepared) return this.remember(prepared.rejected, true);
    await this.baseline();
    const { type, amount, price, params } = prepared;
    const action = `placing order ${order.clientOrderId}`;
    // One try at a time: look the id up first, so an order a lost answer already placed is adopted.
    for (let attempt = 0; ; attempt++) {
      const existing = await this.lookup(order.clientOrderId);
      if (existing) return this.remember(existing, true);
      try {
        const placed = (await callExchange(
          this.exchange,
          action,
          () => this.exchange.createOrder(this.market.symbol, type, order.side, amount, price, params),
          { ...this.retry, attempts: 1 },
        )) as VenueOrder;
        return this.remember(this.statusOf(placed, order.clientOrderId), true);
      } catch (error) {
        if (!(error instanceof ExchangeFailure)) throw error;
        if (!error.retryable) {
          // The venue's refusal of this order is a status; bad keys or a vanished market are the run's failure.
          if (error.kind === 'invalid-order' || error.kind === 'insufficient-funds') {
            return this.remember({ clientOrderId: order.clientOrderId, state: 'rejected', filled: 0, remaining: amount, reason: error.message }, true);
          }
          throw error;
        }
        const attempts = this.retry.attempts ?? RETRY_DEFAULTS.attempts;
        if (attempt + 1 >= attempts || (error.retryAfterMs ?? 0) > (this.retry.maxRetryAfterMs ?? RETRY_DEFAULTS.maxRetryAfterMs)) throw error;
        const delayMs = Math.max(backoffDelay(attempt + 1, this.retry), error.retryAfterMs ?? 0);
        this.retry.onRetry?.({ attempt: attempt + 1, delayMs, failure: error });
        await (this.retry.sleep ?? abortableSleep)(delayMs, this.retry.signal);
      }
    }
  }

  async cancel(clientOrderId: string): Promise<OrderStatus> {
    const known = this.orders.get(clientOrderId);
    if (known && FINAL.has(known.state)) return known;
    try {
      const venue = (await callExchange(
        this.exchange,
        `cancelling order ${clientOrderId}`,
        () => this.exchange.cancelOrder(known?.exchangeOrderId ?? '', this.market.symbol, { origClientOrderId: clientOrderId, clientOrderId }),
        this.retry,
      )) as VenueOrder;
      return this.remember(this.statusOf(venue, clientOrderId), true);
    } catch (error) {
      // Already filled or cancelled on the venue: its current state is the answer.
      if (!(error instanceof ExchangeFailure) || (error.kind !== 'order-not-found' && error.kind !== 'invalid-order')) throw error;
      const current = await this.lookup(clientOrderId);
      if (!current) throw error;
      return this.remember(current, true);
    }
  }

  async sync(): Promise<{ readonly fills: readonly Fill[]; readonly orders: readonly OrderStatus[] }> {
    const fills = await this.newFills();
    await this.refreshStates();
    const orders = [...this.changed.values()];
    this.changed.clear();
    return { fills, orders };
  }

  async balances(): Promise<Readonly<Record<string, number>>> {
    const balance = (await callExchange(this.exchange, 'reading balances', () => this.exchange.fetchBalance(), this.retry)) as unknown as {
      free?: Record<string, number | undefined>;
    };
    const out: Record<string, number> = {};
    for (const [currency, amount] of Object.entries(balance.free ?? {})) if (typeof amount === 'number') out[currency] = amount;
    return out;
  }

  async openOrders(): Promise<readonly OrderStatus[]> {
    const open = (await callExchange(this.exchange, 'reading open orders', () => this.exchange.fetchOpenOrders(this.market.symbol), this.retry)) as VenueOrder[];
    return open.filter((o) => o.clientOrderId !== undefined).map((o) => this.statusOf(o, o.clientOrderId!));
  }

  async close(): Promise<void> {
    await (this.exchange as unknown as { close?: () => Promise<void> }).close?.();
  }

  /** Rounds and checks `order`; a failure is a rejected status and nothing is sent. */
  private async prepare(order: OrderRequest): Promise<
    { rejected: OrderStatus } | { type: string; amount: number; price: number | undefined; params: Record<string, unknown> }
  > {
    const m = this.market;
    const reject = (reason: string) => ({ rejected: { clientOrderId: order.clientOrderId, state: 'rejected' as const, filled: 0, remaining: order.amount, reason } });
    if (!CLIENT_ID.test(order.clientOrderId)) {
      return reject(`Client order id "${order.clientOrderId}" is not accepted by ${this.name}: use 1 to 36 letters, digits or . : / _ -.`);
    }
    if (order.symbol !== m.symbol) return reject(`Order ${order.clientOrderId} is for ${order.symbol} but this broker trades ${m.symbol}.`);
    if (!(order.amount > 0) || !Number.isFinite(order.amount)) return reject(`Order ${order.clientOrderId} has amount ${order.amount}: it must be a positive number of ${m.base}.`);
    let amount: number;
    try {
      amount = Number(this.exchange.amountToPrecision(m.symbol, order.amount));
    } catch {
      amount = 0;
    }
    if (!(amount > 0) || amount < m.minQty) {
      return reject(
        `Order ${order.clientOrderId} for ${order.amount} ${m.base} is under ${this.name}'s minimum of ${Math.max(m.minQty, m.stepSize)} ${m.base} once rounded to its step ${m.stepSize}.`,
      );
    }
    const params: Record<string, unknown> = { newClientOrderId: order.clientOrderId };
    let type: string;
    let price: number | undefined;
    let checkPrice: number | undefined;
    if (order.type === 'market' || order.type === 'limit') {
      type = order.type;
      if (order.type === 'limit') {
        if (!(order.price! > 0)) return reject(`Limit order ${order.clientOrderId} has no positive price.`);
        price = Number(this.exchange.priceToPrecision(m.symbol, order.price!));
        checkPrice = price;
      }
    } else {
      if (!m.stopOrders) {
        return reject(`${this.name} takes no ${order.type} orders for ${m.symbol}: the runner emulates stop-loss and take-profit there.`);
      }
      if (!(order.stopPrice! > 0)) return reject(`${order.type} order ${order.clientOrderId} has no positive trigger price.`);
      type = 'market';
      const trigger = Number(this.exchange.priceToPrecision(m.symbol, order.stopPrice!));
      params[order.type === 'stop-market' ? 'stopLossPrice' : 'takeProfitPrice'] = trigger;
      checkPrice = trigger;
    }
    checkPrice ??= this.referencePrice?.(order.side) ?? (await this.bookPrice(order.side));
    if (checkPrice !== undefined && m.minNotional > 0 && amount * checkPrice < m.minNotional) {
      return reject(
        `Order ${order.clientOrderId} for ${amount} ${m.base} at about ${checkPrice} ${m.quote} is worth ${round(amount * checkPrice)} ${m.quote}, under ${this.name}'s minimum of ${m.minNotional} ${m.quote}.`,
      );
    }
    return { type, amount, price, params };
  }

  /** The price a market order would take: best ask to buy, best bid to sell. */
  private async bookPrice(side: 'buy' | 'sell'): Promise<number | undefined> {
    const book = (await callExchange(this.exchange, `reading the ${this.market.symbol} order book`, () => this.exchange.fetchOrderBook(this.market.symbol, 5), this.retry)) as {
      asks: number[][];
      bids: number[][];
    };
    const level = side === 'buy' ? book.asks[0] : book.bids[0];
    return level?.[0];
  }

  /** The venue's order with this client id, or undefined when it has none. */
  private async lookup(clientOrderId: string): Promise<OrderStatus | undefined> {
    const venueId = this.orders.get(clientOrderId)?.exchangeOrderId;
    try {
      const found = (await callExchange(
        this.exchange,
        `looking up order ${clientOrderId}`,
        () => this.exchange.fetchOrder(venueId ?? '', this.market.symbol, { origClientOrderId: clientOrderId, clientOrderId }),
        this.retry,
      )) as VenueOrder;
      return this.statusOf(found, clientOrderId);
    } catch (error) {
      if (error instanceof ExchangeFailure && error.kind === 'order-not-found') return undefined;
      throw error;
    }
  }

  /** On a fresh broker, the trade cursor starts after the account's newest trade, before anything is placed. */
  private async baseline(): Promise<{ fromId?: string; since?: number }> {
    if (this.tradeCursor) return this.tradeCursor;
    const latest = (await callExchange(this.exchange, 'reading trades', () => this.exchange.fetchMyTrades(this.market.symbol, undefined, 1), this.retry)) as VenueTrade[];
    const last = latest.at(-1);
    const numeric = last?.id !== undefined && /^\d+$/.test(last.id);
    this.tradeCursor =
      last === undefined ? { since: 0 } : this.name === 'binance' && numeric ? { fromId: String(BigInt(last.id!) + 1n), since: last.timestamp } : { since: (last.timestamp ?? 0) + 1 };
    return this.tradeCursor;
  }

  /** Trades since the cursor, paged, each trade id once; only this run's orders. */
  private async newFills(): Promise<Fill[]> {
    await this.baseline();
    const fills: Fill[] = [];
    const binance = this.name === 'binance';
    const pageLimit = 1000;
    for (;;) {
      const cursor = this.tradeCursor!;
      const params: Record<string, unknown> = binance && cursor.fromId !== undefined ? { fromId: cursor.fromId } : {};
      const since = binance && cursor.fromId !== undefined ? undefined : cursor.since;
      const trades = (await callExchange(
        this.exchange,
        'reading trades',
        () => this.exchange.fetchMyTrades(this.market.symbol, since, pageLimit, params),
        this.retry,
      )) as VenueTrade[];
      let largestId: bigint | undefined;
      let latest = cursor.since;
      for (const trade of trades) {
        if (trade.id === undefined || trade.order === undefined) continue;
        if (binance && /^\d+$/.test(trade.id)) {
          const id = BigInt(trade.id);
          if (largestId === undefined || id > largestId) largestId = id;
        }
        if (trade.timestamp !== undefined) latest = Math.max(latest ?? -Infinity, trade.timestamp);
        if (this.seenFills.has(trade.id)) continue;
        const clientOrderId = await this.ownerOf(trade.order);
        if (clientOrderId === undefined) continue; // someone else's trade on the same account
        this.seenFills.add(trade.id);
        fills.push(this.fillOf(trade, clientOrderId));
      }
      if (largestId !== undefined) this.tradeCursor = { fromId: String(largestId + 1n), since: latest };
      else this.tradeCursor = { ...cursor, since: latest };
      if (trades.length < pageLimit) break;
    }
    return fills.sort((a, b) => a.time - b.time || (a.fillId < b.fillId ? -1 : 1));
  }

  /** The clientOrderId of the venue's order `venueId` when it is this run's. */
  private async ownerOf(venueId: string): Promise<string | undefined> {
    const known = this.byVenueId.get(venueId);
    if (known !== undefined) return known;
    if (this.prefix === undefined || this.notOurs.has(venueId)) return undefined;
    // Sent before a restart whose journal had no venue id for it yet: ask the venue whose it is.
    const order = (await callExchange(this.exchange, `looking up order ${venueId}`, () => this.exchange.fetchOrder(venueId, this.market.symbol), this.retry)) as VenueOrder;
    const clientOrderId = order.clientOrderId;
    if (clientOrderId === undefined || !clientOrderId.startsWith(this.prefix)) {
      this.notOurs.add(venueId);
      return undefined;
    }
    this.remember(this.statusOf(order, clientOrderId), true);
    return clientOrderId;
  }

  private fillOf(trade: VenueTrade, clientOrderId: string): Fill {
    const amount = Number(trade.amount);
    const price = Number(trade.price);
    const time = Number(trade.timestamp);
    return { clientOrderId, fillId: trade.id!, side: trade.side === 'sell' ? 'sell' : 'buy', amount, price, fee: this.quoteFee(trade, amount, price), bar: this.barOf(time), time };
  }

  /** The fee in quote currency: as charged in quote, converted at the fill price when charged in base. */
  private quoteFee(trade: VenueTrade, amount: number, price: number): number {
    const fee = trade.fee;
    if (!fee || fee.cost === undefined) return 0;
    if (fee.currency === undefined || fee.currency === this.market.quote) return fee.cost;
    if (fee.currency === this.market.base) return fee.cost * price;
    // Paid in a third currency (e.g. BNB): its quote value is the rate times the trade's cost when ccxt knows it.
    return fee.rate !== undefined ? fee.rate * (trade.cost ?? amount * price) : 0;
  }

  /** Re-reads every order not known to be final: open ones in one call, the rest one by one. */
  private async refreshStates(): Promise<void> {
    const pending = [...this.orders.values()].filter((s) => !FINAL.has(s.state));
    if (pending.length === 0) return;
    const open = (await callExchange(this.exchange, 'reading open orders', () => this.exchange.fetchOpenOrders(this.market.symbol), this.retry)) as VenueOrder[];
    const openById = new Map(open.filter((o) => o.clientOrderId !== undefined).map((o) => [o.clientOrderId!, o]));
    for (const status of pending) {
      const venue = openById.get(status.clientOrderId);
      if (venue) this.remember(this.statusOf(venue, status.clientOrderId), true);
      else {
        const current = await this.lookup(status.clientOrderId);
        if (current) this.remember(current, true);
      }
    }
  }

  /** Keeps `status` as the order's latest; `report` = tell the next sync() when it changed. */
  private remember(status: OrderStatus, report: boolean): OrderStatus {
    const before = this.orders.get(status.clientOrderId);
    this.orders.set(status.clientOrderId, status);
    if (status.exchangeOrderId !== undefined) this.byVenueId.set(status.exchangeOrderId, status.clientOrderId);
    if (report && (!before || before.state !== status.state || before.filled !== status.filled)) this.changed.set(status.clientOrderId, status);
    return status;
  }

  /** A ccxt order as OrderStatus; binance's own status (info.status) is finer than ccxt's (pending cancel). */
  private statusOf(order: VenueOrder, clientOrderId: string): OrderStatus {
    const filled = Number(order.filled ?? 0);
    const amount = Number(order.amount ?? filled + Number(order.remaining ?? 0));
    const remaining = Number(order.remaining ?? Math.max(0, amount - filled));
    const raw = typeof order.info?.status === 'string' ? order.info.status : undefined;
    const state = stateOf(raw, order.status, filled);
    return {
      clientOrderId,
      exchangeOrderId: order.id,
      state,
      filled,
      remaining: state === 'filled' ? 0 : remaining,
      averagePrice: order.average !== undefined && filled > 0 ? Number(order.average) : undefined,
      reason: state === 'rejected' ? `${this.name} rejected the order.` : undefined,
    };
  }
}

function stateOf(raw: string | undefined, unified: string | undefined, filled: number): OrderState {
  switch (raw) {
    case 'NEW':
      return 'submitted';
    case 'PARTIALLY_FILLED':
      return 'partially-filled';
    case 'FILLED':
      return 'filled';
    case 'PENDING_CANCEL':
      return 'pending-cancel';
    case 'CANCELED':
      return 'cancelled';
    case 'REJECTED':
      return 'rejected';
    case 'EXPIRED':
    case 'EXPIRED_IN_MATCH':
      return 'expired';
  }
  switch (unified) {
    case 'closed':
      return 'filled';
    case 'canceled':
      return 'cancelled';
    case 'expired':
      return 'expired';
    case 'rejected':
      return 'rejected';
    default:
      return filled > 0 ? 'partially-filled' : 'submitted';
  }
}

function round(x: number): number {
  return Number(x.toPrecision(8));
}
