import type { Bars } from '../data/bars.js';
import { Book } from '../engine/book.js';
import { REASON_ENTRY, REASON_MAX_HOLD, REASON_REVERSE, REASON_SIGNAL, REASON_STOP_LOSS, REASON_TAKE_PROFIT, REASON_TRAILING_STOP, reasonName } from '../engine/reasons.js';
import { ACT_NONE, fillPhase, stepRules, type StepRules } from '../engine/step.js';
import type { ResolvedSimOptions } from '../engine/types.js';
import type { Execution } from './execution.js';
import type { Fill, OrderRequest, OrderStatus } from './types.js';

const EXIT_REASONS: Readonly<Record<string, number>> = { signal: REASON_SIGNAL, reverse: REASON_REVERSE, flatten: REASON_SIGNAL, 'max-hold': REASON_MAX_HOLD };

/**
 * The paper broker: the engine's own account (Book) and bar step (src/engine/step.ts) behind the Broker
 * interface. Market orders fill as the backtest fills a signal: at the next bar's open (fill 'open') or at once
 * at the last close (fill 'close'), with the engine's slippage and fees; an entry is sized at its fill price by
 * the engine's sizing rule, as a quote-amount order on a venue would be. Stop-loss, take-profit and trailing
 * stops rest here as the venue's protective orders, created with the entry's fill and triggered by the
 * engine's stop rules; max-hold exits are the broker's own market orders. So a replay gives the backtest's
 * fills, and `rrr parity` checks it.
 */
export class PaperBroker implements Execution {
  readonly kind = 'paper' as const;
  readonly book: Book;
  readonly rules: StepRules;
  private bars: Bars | undefined;
  private t = -1;
  /** Market orders waiting for the next open, in the order sent (an exit before the entry of a reversal). */
  private queued: OrderRequest[] = [];
  private readonly requests = new Map<string, OrderRequest>();
  private readonly statuses = new Map<string, OrderStatus>();
  /** Protective orders resting for the open position. */
  private protective: { stop?: string; target?: string } = {};
  private changedOrders: OrderStatus[] = [];
  private newFills: Fill[] = [];
  private seen = 0;
  private seq = 0;

  constructor(
    readonly sim: ResolvedSimOptions,
    readonly symbol: string,
    /** Prefix of the ids of the broker's own orders (protective and max-hold). */
    private readonly idPrefix: string,
  ) {
    this.rules = stepRules(sim);
    const empty = new Float64Array(0);
    this.book = new Book(sim, { time: empty, open: empty, high: empty, low: empty, close: empty, volume: empty, length: 0 });
  }

  /** Steps 1-4 of the engine for closed bar t: queued orders fill at its open, then max-hold and the stops. */
  onBar(bars: Bars, t: number): void {
    this.bars = bars;
    this.t = t;
    this.book.useBars(bars);
    const op = bars.open[t];
    const queued = this.queued;
    this.queued = [];
    for (const order of queued) this.execute(order, t, op);
    this.collect(t);
    fillPhase(this.book, this.rules, t, -1, ACT_NONE, op, bars.high[t], bars.low[t], bars.close[t]);
    this.collect(t);
  }

  estimateEntry(signalBar: number, side: number, price: number): number {
    return this.book.plannedUnits(signalBar, side, price);
  }

  async submit(order: OrderRequest): Promise<OrderStatus> {
    this.requests.set(order.clientOrderId, order);
    if (order.type !== 'market') {
      return this.update({ clientOrderId: order.clientOrderId, state: 'rejected', filled: 0, remaining: order.amount, reason: `the paper broker fills market orders only, with the backtest's fill rules (got a ${order.type} order)` });
    }
    this.update({ clientOrderId: order.clientOrderId, state: 'submitted', filled: 0, remaining: order.amount });
    // A flatten (kill switch, halt) does not wait for the next bar: it fills at the last close.
    if (this.rules.fillOpen && order.reason !== 'flatten') {
      this.queued.push(order);
    } else {
      const bars = this.bars;
      if (bars === undefined) throw new Error('the paper broker has no bar yet to fill at');
      this.execute(order, this.t, bars.close[this.t]);
      this.collect(this.t);
    }
    return this.statuses.get(order.clientOrderId)!;
  }

  async cancel(clientOrderId: string): Promise<OrderStatus> {
    const status = this.statuses.get(clientOrderId);
    if (status === undefined) throw new Error(`no order ${clientOrderId}`);
    if (status.state !== 'submitted') return status;
    this.queued = this.queued.filter((o) => o.clientOrderId !== clientOrderId);
    if (this.protective.stop === clientOrderId) {
      this.book.stop = this.book.pos > 0 ? -Infinity : Infinity;
      this.book.trailPct = 0;
      this.book.trailDist = 0;
      this.protective.stop = undefined;
    }
    if (this.protective.target === clientOrderId) {
      this.book.target = this.book.pos > 0 ? Infinity : -Infinity;
      this.protective.target = undefined;
    }
    return this.update({ ...status, state: 'cancelled' });
  }

  async sync(): Promise<{ fills: Fill[]; orders: OrderStatus[] }> {
    const out = { fills: this.newFills, orders: this.changedOrders };
    this.newFills = [];
    this.changedOrders = [];
    return out;
  }

  async balances(): Promise<Record<string, number>> {
    return { cash: this.book.cash, position: this.book.pos };
  }

  async openOrders(): Promise<OrderStatus[]> {
    return [...this.statuses.values()].filter((s) => s.state === 'submitted' || s.state === 'partially-filled');
  }

  /** The request of an order this broker knows (the runner's or its own). */
  request(clientOrderId: string): OrderRequest | undefined {
    return this.requests.get(clientOrderId);
  }

  async close(): Promise<void> {}

  private execute(order: OrderRequest, t: number, price: number): void {
    const book = this.book;
    if (order.reduceOnly) {
      if (book.pos === 0 || (order.side === 'buy') !== book.pos < 0) {
        this.update({ clientOrderId: order.clientOrderId, state: 'rejected', filled: 0, remaining: order.amount, reason: 'a reduce-only order with no position of the other side to reduce' });
        return;
      }
      book.closeAt(t, price, EXIT_REASONS[order.reason] ?? REASON_SIGNAL);
      return;
    }
    if (book.pos !== 0) {
      this.update({ clientOrderId: order.clientOrderId, state: 'rejected', filled: 0, remaining: order.amount, reason: 'an entry while a position is open (the engine trades one position at a time)' });
      return;
    }
    if (!book.open(t, order.signalBar, order.side === 'buy' ? 1 : -1, price)) {
      this.update({ clientOrderId: order.clientOrderId, state: 'rejected', filled: 0, remaining: order.amount, reason: 'no units fit at the fill price with the sizing rule (or an ATR stop is not defined yet)' });
    }
  }

  /** Turns the Book's new fills into Fill events, each tied to the order it executed. */
  private collect(t: number): void {
    const log = this.book.orders;
    const time = this.bars!.time[t];
    for (; this.seen < log.count; this.seen++) {
      const k = this.seen;
      const reason = log.reason[k];
      const side = log.side[k] > 0 ? 'buy' : 'sell';
      const id = this.orderFor(reason, side, log.size[k], log.bar[k]);
      const fill: Fill = { clientOrderId: id, fillId: `${id}-1`, side, amount: log.size[k], price: log.price[k], fee: log.fee[k], bar: log.bar[k], time };
      this.newFills.push(fill);
      const status = this.statuses.get(id)!;
      this.update({ ...status, state: 'filled', filled: fill.amount, remaining: 0, averagePrice: fill.price });
      if (reason === REASON_ENTRY) this.placeProtective(side, log.bar[k]);
      else this.cancelProtective(id);
    }
  }

  private orderFor(reason: number, side: 'buy' | 'sell', amount: number, bar: number): string {
    if (reason === REASON_STOP_LOSS || reason === REASON_TRAILING_STOP) return this.protective.stop!;
    if (reason === REASON_TAKE_PROFIT) return this.protective.target!;
    const kind = reason === REASON_ENTRY ? 'entry' : 'exit';
    const mine = [...this.requests.values()].find((o) => this.statuses.get(o.clientOrderId)?.state === 'submitted' && o.type === 'market' && o.reduceOnly === (kind === 'exit'));
    if (mine !== undefined) return mine.clientOrderId;
    // The engine's own exit (max-hold): the broker's market order, as a venue's time-in-force would close it.
    return this.own({ side, type: 'market', amount, reduceOnly: true, reason: reasonName(reason), signalBar: bar - 1 });
  }

  private own(o: Pick<OrderRequest, 'side' | 'type' | 'amount' | 'reduceOnly' | 'reason' | 'signalBar'> & { stopPrice?: number }): string {
    const id = `${this.idPrefix}b${++this.seq}`;
    const request: OrderRequest = { clientOrderId: id, symbol: this.symbol, time: this.bars!.time[this.t], ...o };
    this.requests.set(id, request);
    this.update({ clientOrderId: id, state: 'submitted', filled: 0, remaining: o.amount, request });
    return id;
  }

  private placeProtective(entrySide: 'buy' | 'sell', bar: number): void {
    const book = this.book;
    const side = entrySide === 'buy' ? 'sell' : 'buy';
    const amount = Math.abs(book.pos);
    const trailing = book.trailPct > 0 || book.trailDist > 0;
    const trailLevel = book.trailPct > 0 ? book.extreme * (1 - Math.sign(book.pos) * book.trailPct) : book.extreme - Math.sign(book.pos) * book.trailDist;
    const stop = trailing ? (book.pos > 0 ? Math.max(trailLevel, book.stop) : Math.min(trailLevel, book.stop)) : book.stop;
    if (Number.isFinite(stop)) {
      this.protective.stop = this.own({ side, type: 'stop-market', amount, reduceOnly: true, reason: trailing ? 'trailing-stop' : 'stop-loss', signalBar: bar, stopPrice: stop });
    }
    if (Number.isFinite(book.target)) {
      this.protective.target = this.own({ side, type: 'take-profit-market', amount, reduceOnly: true, reason: 'take-profit', signalBar: bar, stopPrice: book.target });
    }
  }

  /** A position closed: its other protective orders are cancelled (one cancels the other). */
  private cancelProtective(filledId: string): void {
    for (const key of ['stop', 'target'] as const) {
      const id = this.protective[key];
      if (id !== undefined && id !== filledId) this.update({ ...this.statuses.get(id)!, state: 'cancelled' });
      this.protective[key] = undefined;
    }
  }

  private update(status: OrderStatus): OrderStatus {
    this.statuses.set(status.clientOrderId, status);
    this.changedOrders.push(status);
    return status;
  }
}
