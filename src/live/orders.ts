/**
 * The order state machine: what a broker or the venue may say about an order, and the only transitions
 * allowed. Brokers and the runner fold every event through `applyOrderEvent`, so an impossible report (a fill
 * on a cancelled order, more filled than ordered) stops at the first wrong event instead of corrupting the
 * position.
 *
 * Transitions (state x event -> next state; every pair not listed throws):
 *
 * | state            | submit    | accept | partial-fill     | fill   | cancel-request | cancelled | reject   | expire  |
 * |------------------|-----------|--------|------------------|--------|----------------|-----------|----------|---------|
 * | new              | submitted |        |                  |        |                | cancelled | rejected |         |
 * | submitted        |           | (same) | partially-filled | filled | pending-cancel | cancelled | rejected | expired |
 * | partially-filled |           | (same) | partially-filled | filled | pending-cancel | cancelled |          | expired |
 * | pending-cancel   |           | (same) | (same)           | filled |                | cancelled |          | expired |
 * | filled, cancelled, rejected, expired: terminal, accept nothing                                                  |
 *
 * Why these and not others:
 * - `new` is journaled but not yet sent: it can be sent, refused before sending (risk guard, pre-trade check:
 *   `reject`) or withdrawn (`cancelled`), but the venue cannot fill or acknowledge what it never received.
 * - `accept` (the venue's acknowledgement) may arrive after the first fill or after we asked to cancel: the
 *   venue's messages race each other, so an acknowledgement never moves an order backwards and changes no state.
 * - A fill arriving while pending-cancel is legal (the cancel raced the fill); a partial fill keeps the order
 *   pending-cancel, a fill that completes it wins over the cancel.
 * - A venue does not reject an order it has already filled part of, and a second cancel-request while one
 *   is pending is a runner bug, so both throw.
 * - `partial-fill` must leave something unfilled and `fill` must complete the order exactly: `fillEvent`
 *   picks the right one for an amount. Filled never exceeds the order amount.
 */
import type { OrderRequest, OrderState, OrderStatus } from './types.js';

export type OrderEvent =
  | { readonly type: 'submit' }
  | { readonly type: 'accept'; readonly exchangeOrderId?: string }
  | { readonly type: 'partial-fill'; readonly amount: number; readonly price?: number }
  | { readonly type: 'fill'; readonly amount: number; readonly price?: number }
  | { readonly type: 'cancel-request' }
  | { readonly type: 'cancelled' }
  | { readonly type: 'reject'; readonly reason: string }
  | { readonly type: 'expire' };

export type OrderEventType = OrderEvent['type'];

/** An order and what has happened to it so far. */
export interface TrackedOrder {
  readonly clientOrderId: string;
  readonly exchangeOrderId?: string;
  /** The ordered amount, base units. */
  readonly amount: number;
  readonly state: OrderState;
  readonly filled: number;
  readonly remaining: number;
  /** Amount-weighted price of the fills that carried a price (a venue may report an amount before its price). */
  readonly averagePrice?: number;
  /** The amount averagePrice is taken over. */
  readonly pricedAmount?: number;
  /** The venue's sentence when rejected. */
  readonly reason?: string;
}

type Transitions = Readonly<Partial<Record<OrderEventType, OrderState | 'same'>>>;

/** The table above, as data: `ORDER_TRANSITIONS[state][event]` is the next state, absent when illegal. */
export const ORDER_TRANSITIONS: Readonly<Record<OrderState, Transitions>> = {
  new: { submit: 'submitted', cancelled: 'cancelled', reject: 'rejected' },
  submitted: { accept: 'same', 'partial-fill': 'partially-filled', fill: 'filled', 'cancel-request': 'pending-cancel', cancelled: 'cancelled', reject: 'rejected', expire: 'expired' },
  'partially-filled': { accept: 'same', 'partial-fill': 'partially-filled', fill: 'filled', 'cancel-request': 'pending-cancel', cancelled: 'cancelled', expire: 'expired' },
  'pending-cancel': { accept: 'same', 'partial-fill': 'same', fill: 'filled', cancelled: 'cancelled', expire: 'expired' },
  filled: {},
  cancelled: {},
  rejected: {},
  expired: {},
};

const TERMINAL: ReadonlySet<OrderState> = new Set(['filled', 'cancelled', 'rejected', 'expired']);

/** Filled, cancelled, rejected and expired orders accept no further event. */
export function isTerminal(state: OrderState): boolean {
  return TERMINAL.has(state);
}

/** An event the order's state does not allow, or an amount it cannot take. */
export class OrderEventError extends Error {
  readonly code = 'RRR_ORDER_EVENT';
  constructor(message: string) {
    super(message);
    this.name = 'OrderEventError';
  }
}

/**
 * Fill amounts are floats summed one by one: 0.1 + 0.2 of an order of 0.3 must complete it. Amounts closer
 * than this fraction of the order amount count as equal.
 */
const RELATIVE_TOLERANCE = 1e-9;

/** A new order, journaled but not yet sent. */
export function trackOrder(order: Pick<OrderRequest, 'clientOrderId' | 'amount'>): TrackedOrder {
  if (!(order.amount > 0) || !Number.isFinite(order.amount)) {
    throw new OrderEventError(`Order ${order.clientOrderId} has amount ${order.amount}: an order amount must be a number greater than 0.`);
  }
  return { clientOrderId: order.clientOrderId, amount: order.amount, state: 'new', filled: 0, remaining: order.amount };
}

const describe = (event: OrderEvent) => ('amount' in event ? `${event.type} of ${event.amount}` : event.type);

/** The order after `event`; throws OrderEventError naming the state and the event when it is not legal. */
export function applyOrderEvent(order: TrackedOrder, event: OrderEvent): TrackedOrder {
  const next = ORDER_TRANSITIONS[order.state][event.type];
  if (next === undefined) {
    const why = isTerminal(order.state) ? `${order.state} is a final state` : `allowed from ${order.state}: ${Object.keys(ORDER_TRANSITIONS[order.state]).join(', ')}`;
    throw new OrderEventError(`Order ${order.clientOrderId} is ${order.state} and cannot take "${describe(event)}" (${why}).`);
  }
  const state = next === 'same' ? order.state : next;
  switch (event.type) {
    case 'accept':
      return event.exchangeOrderId === undefined ? order : { ...order, exchangeOrderId: event.exchangeOrderId };
    case 'partial-fill':
    case 'fill':
      return { ...addFill(order, event), state };
    case 'reject':
      return { ...order, state, reason: event.reason };
    default:
      return { ...order, state };
  }
}

function addFill(order: TrackedOrder, event: Extract<OrderEvent, { amount: number }>): TrackedOrder {
  const { amount } = event;
  const id = order.clientOrderId;
  if (!(amount > 0) || !Number.isFinite(amount)) throw new OrderEventError(`Order ${id} got a ${event.type} of ${amount}: a fill amount must be a number greater than 0.`);
  const tolerance = order.amount * RELATIVE_TOLERANCE;
  const filled = order.filled + amount;
  if (filled > order.amount + tolerance) {
    throw new OrderEventError(`Order ${id} got a ${event.type} of ${amount} that would fill ${filled} of ${order.amount} ordered: filled never exceeds the order amount.`);
  }
  const completes = filled >= order.amount - tolerance;
  if (event.type === 'fill' && !completes) {
    throw new OrderEventError(`Order ${id} got a fill of ${amount} that leaves ${order.amount - filled} of ${order.amount} unfilled: report it as a partial-fill.`);
  }
  if (event.type === 'partial-fill' && completes) {
    throw new OrderEventError(`Order ${id} got a partial-fill of ${amount} that completes the order (${order.amount}): report it as a fill.`);
  }
  const exact = completes ? order.amount : filled;
  const updated = { ...order, filled: exact, remaining: completes ? 0 : order.amount - exact };
  const { price } = event;
  if (price === undefined || !Number.isFinite(price)) return updated;
  const priced = order.pricedAmount ?? 0;
  const averagePrice = priced === 0 ? price : ((order.averagePrice ?? 0) * priced + price * amount) / (priced + amount);
  return { ...updated, averagePrice, pricedAmount: priced + amount };
}

/** The event for a fill of `amount`: `fill` when it completes the order, `partial-fill` otherwise. */
export function fillEvent(order: TrackedOrder, amount: number, price?: number): OrderEvent {
  const completes = order.filled + amount >= order.amount * (1 - RELATIVE_TOLERANCE);
  return { type: completes ? 'fill' : 'partial-fill', amount, ...(price === undefined ? {} : { price }) };
}

/** The order as a broker reports it (a journal `order-state` line). */
export function orderStatus(order: TrackedOrder): OrderStatus {
  return {
    clientOrderId: order.clientOrderId,
    ...(order.exchangeOrderId === undefined ? {} : { exchangeOrderId: order.exchangeOrderId }),
    state: order.state,
    filled: order.filled,
    remaining: order.remaining,
    ...(order.averagePrice === undefined ? {} : { averagePrice: order.averagePrice }),
    ...(order.reason === undefined ? {} : { reason: order.reason }),
  };
}
