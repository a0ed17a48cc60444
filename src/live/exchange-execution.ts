import type { Bars } from '../data/bars.js';
import { Book } from '../engine/book.js';
import { REASON_ENTRY, REASON_NAMES, REASON_SIGNAL, reasonName } from '../engine/reasons.js';
import { stepRules, stopExit, trailExtreme, type StepRules } from '../engine/step.js';
import type { ResolvedSimOptions } from '../engine/types.js';
import type { Execution } from './execution.js';
import { applyOrderEvent, fillEvent, OrderEventError, trackOrder, type TrackedOrder } from './orders.js';
import type { Broker, Fill, OrderRequest, OrderStatus } from './types.js';

/**
 * An exchange run's side of the runner: orders go to the venue (the exchange broker), and the engine's Book is
 * the ledger, fed with the venue's fills (price and fee as charged), so sizing, stop levels and trade
 * statistics are the engine's own rules on what really happened. Stops the venue does not hold are emulated
 * with the engine's stop rule (stopExit) on each closed bar: a level crossed in bar t sends a market exit,
 * which fills at the next bar's open, not at the level as a resting venue order would.
 */
export class ExchangeExecution implements Execution {
  readonly kind = 'exchange' as const;
  readonly book: Book;
  readonly rules: StepRules;
  private readonly requests = new Map<string, OrderRequest>();
  private seq = 0;
  private bars: Bars | undefined;
  private t = -1;
  /** An exit the runner or this ledger sent that has not filled yet: no second one is sent meanwhile. */
  private exitPending: string | undefined;
  private absorbed: { fills: Fill[]; orders: OrderStatus[] } = { fills: [], orders: [] };
  /** Each order as the state machine (src/live/orders.ts) follows the venue's reports of it. */
  private readonly tracked = new Map<string, TrackedOrder>();
  private notes: string[] = [];

  constructor(
    private readonly venue: Broker,
    sim: ResolvedSimOptions,
    readonly symbol: string,
    private readonly idPrefix: string,
  ) {
    this.rules = stepRules(sim);
    const empty = new Float64Array(0);
    this.book = new Book(sim, { time: empty, open: empty, high: empty, low: empty, close: empty, volume: empty, length: 0 });
  }

  async onBar(bars: Bars, t: number): Promise<OrderRequest[]> {
    this.bars = bars;
    this.t = t;
    this.book.useBars(bars);
    await this.absorb();
    const book = this.book;
    const pos = book.pos;
    if (pos === 0 || this.exitPending !== undefined) return [];
    const r = this.rules;
    if (r.hasStops && book.entryBar <= t) {
      const reason = stopExit(book, pos, r.hasTrail, r.stopFirst, bars.open[t], bars.high[t], bars.low[t]);
      if (reason >= 0) return [this.exit(reasonName(reason))];
      if (r.hasTrail) trailExtreme(book, pos, bars.high[t], bars.low[t]);
    }
    // Max-hold: the exit that fills at the next open is sent at this close.
    if (r.maxHold > 0 && t + 1 - book.entryBar >= r.maxHold) return [this.exit('max-hold')];
    return [];
  }

  /** An exit was sent and has not filled yet: the runner sends no other order meanwhile. */
  get busy(): boolean {
    return this.exitPending !== undefined;
  }

  estimateEntry(signalBar: number, side: number, price: number): number {
    return this.book.plannedUnits(signalBar, side, price);
  }

  async submit(order: OrderRequest): Promise<OrderStatus> {
    this.requests.set(order.clientOrderId, order);
    if (order.reduceOnly) this.exitPending = order.clientOrderId;
    const status = await this.venue.submit(order);
    this.track(status);
    if (status.clientOrderId === this.exitPending && (status.state === 'rejected' || status.state === 'expired')) this.exitPending = undefined;
    return status;
  }

  cancel(clientOrderId: string): Promise<OrderStatus> {
    return this.venue.cancel(clientOrderId);
  }

  async sync(): Promise<{ fills: Fill[]; orders: OrderStatus[] }> {
    await this.absorb();
    const out = this.absorbed;
    this.absorbed = { fills: [], orders: [] };
    return out;
  }

  balances(): Promise<Readonly<Record<string, number>>> {
    return this.venue.balances();
  }

  openOrders(): Promise<readonly OrderStatus[]> {
    return this.venue.openOrders();
  }

  close(): Promise<void> {
    return this.venue.close();
  }

  /** The venue's new fills into the ledger (kept for the runner's next sync). */
  private async absorb(): Promise<void> {
    const { fills, orders } = await this.venue.sync();
    for (const fill of fills) {
      const request = this.requests.get(fill.clientOrderId);
      const reason = request === undefined ? REASON_SIGNAL : request.reduceOnly ? Math.max(0, REASON_NAMES.indexOf(request.reason)) || REASON_SIGNAL : REASON_ENTRY;
      const bar = fill.bar >= 0 ? fill.bar : this.t + 1;
      this.book.recordFill(bar, request?.signalBar ?? this.t, fill.side === 'buy' ? 1 : -1, fill.price, fill.amount, fill.fee, reason);
      this.absorbed.fills.push(fill);
    }
    for (const status of orders) {
      this.track(status);
      if (status.clientOrderId === this.exitPending && (status.state === 'filled' || status.state === 'cancelled' || status.state === 'rejected' || status.state === 'expired')) this.exitPending = undefined;
      this.absorbed.orders.push(status);
    }
  }

  /** What the venue reported that the order state machine refuses (the runner journals them as warnings). */
  takeNotes(): string[] {
    const out = this.notes;
    this.notes = [];
    return out;
  }

  /**
   * Follows a venue's report of an order through the state machine: an illegal transition (a fill after a
   * cancel, more filled than ordered) is kept as a note rather than trusted silently or fatal to the run.
   */
  private track(s: OrderStatus): void {
    let order = this.tracked.get(s.clientOrderId);
    try {
      if (order === undefined) {
        const amount = s.filled + s.remaining;
        if (!(amount > 0)) return;
        order = applyOrderEvent(trackOrder({ clientOrderId: s.clientOrderId, amount }), { type: 'submit' });
      }
      if (s.state === 'pending-cancel' && order.state !== 'pending-cancel') order = applyOrderEvent(order, { type: 'cancel-request' });
      if (s.filled > order.filled) order = applyOrderEvent(order, fillEvent(order, s.filled - order.filled, s.averagePrice));
      if (s.state === 'cancelled' && order.state !== 'cancelled') order = applyOrderEvent(order, { type: 'cancelled' });
      if (s.state === 'rejected' && order.state !== 'rejected') order = applyOrderEvent(order, { type: 'reject', reason: s.reason ?? 'rejected' });
      if (s.state === 'expired' && order.state !== 'expired') order = applyOrderEvent(order, { type: 'expire' });
      this.tracked.set(s.clientOrderId, order);
    } catch (error) {
      if (!(error instanceof OrderEventError)) throw error;
      this.notes.push(`The venue reported order ${s.clientOrderId} as ${s.state} with ${s.filled} filled, which its state machine refuses: ${error.message}`);
    }
  }

  /** The ledger's own exit (an emulated stop, max-hold): a market order for the whole position, for the runner to send. */
  private exit(reason: string): OrderRequest {
    const pos = this.book.pos;
    return {
      clientOrderId: `${this.idPrefix}b${++this.seq}`,
      symbol: this.symbol,
      side: pos > 0 ? 'sell' : 'buy',
      type: 'market',
      amount: Math.abs(pos),
      reduceOnly: true,
      reason,
      signalBar: this.t,
      time: this.bars!.time[this.t],
    };
  }
}
