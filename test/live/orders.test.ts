import { describe, expect, it } from 'vitest';
import { applyOrderEvent, fillEvent, isTerminal, OrderEventError, orderStatus, trackOrder, type OrderEvent, type TrackedOrder } from '../../src/live/orders.js';
import type { OrderState } from '../../src/live/types.js';

const order = (amount = 1) => trackOrder({ clientOrderId: 'run-1', amount });
const run = (start: TrackedOrder, ...events: OrderEvent[]) => events.reduce(applyOrderEvent, start);

describe('order state machine: hand-worked cases', () => {
  it('goes new -> submitted -> partially filled -> filled, with the amount-weighted price', () => {
    const o = run(order(2), { type: 'submit' }, { type: 'accept', exchangeOrderId: 'X9' }, { type: 'partial-fill', amount: 0.5, price: 100 }, { type: 'fill', amount: 1.5, price: 104 });
    expect(o.state).toBe('filled');
    expect(o.filled).toBe(2);
    expect(o.remaining).toBe(0);
    // (0.5 * 100 + 1.5 * 104) / 2 = 103
    expect(o.averagePrice).toBe(103);
    expect(orderStatus(o)).toEqual({ clientOrderId: 'run-1', exchangeOrderId: 'X9', state: 'filled', filled: 2, remaining: 0, averagePrice: 103 });
  });

  it('completes an order of 0.3 with fills of 0.1 and 0.2 although 0.1 + 0.2 !== 0.3 in floats', () => {
    const o = run(order(0.3), { type: 'submit' }, { type: 'partial-fill', amount: 0.1 }, { type: 'fill', amount: 0.2 });
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(o.filled).toBe(0.3);
    expect(o.remaining).toBe(0);
    const mid = run(order(0.3), { type: 'submit' }, { type: 'partial-fill', amount: 0.1 });
    expect(fillEvent(mid, 0.2).type).toBe('fill');
    expect(fillEvent(mid, 0.1).type).toBe('partial-fill');
  });

  it('lets a fill win over a pending cancel, and a partial fill keep it pending', () => {
    const pending = run(order(1), { type: 'submit' }, { type: 'cancel-request' }, { type: 'partial-fill', amount: 0.4 });
    expect(pending.state).toBe('pending-cancel');
    expect(pending.filled).toBe(0.4);
    expect(run(pending, { type: 'fill', amount: 0.6 }).state).toBe('filled');
    expect(run(pending, { type: 'cancelled' })).toMatchObject({ state: 'cancelled', filled: 0.4, remaining: 0.6 });
  });

  it('refuses overfills, a fill that does not complete, and a partial fill that does, naming amounts', () => {
    const o = run(order(1), { type: 'submit' }, { type: 'partial-fill', amount: 0.7 });
    expect(() => applyOrderEvent(o, { type: 'partial-fill', amount: 0.5 })).toThrow('would fill 1.2 of 1 ordered');
    expect(() => applyOrderEvent(o, { type: 'fill', amount: 0.2 })).toThrow('report it as a partial-fill');
    expect(() => applyOrderEvent(o, { type: 'partial-fill', amount: 0.3 })).toThrow('report it as a fill');
    expect(() => applyOrderEvent(o, { type: 'partial-fill', amount: 0 })).toThrow('greater than 0');
    expect(() => trackOrder({ clientOrderId: 'x', amount: -1 })).toThrow('greater than 0');
  });

  it('names the state and the event when a transition is illegal, and terminal states take nothing', () => {
    const filled = run(order(1), { type: 'submit' }, { type: 'fill', amount: 1 });
    expect(() => applyOrderEvent(filled, { type: 'cancel-request' })).toThrow(OrderEventError);
    expect(() => applyOrderEvent(filled, { type: 'cancel-request' })).toThrow('Order run-1 is filled and cannot take "cancel-request" (filled is a final state).');
    expect(() => applyOrderEvent(order(1), { type: 'fill', amount: 1 })).toThrow('Order run-1 is new and cannot take "fill of 1" (allowed from new: submit, cancelled, reject).');
    const rejected = run(order(1), { type: 'submit' }, { type: 'reject', reason: 'Filter failure: LOT_SIZE' });
    expect(rejected).toMatchObject({ state: 'rejected', reason: 'Filter failure: LOT_SIZE' });
    for (const s of ['filled', 'cancelled', 'rejected', 'expired'] as OrderState[]) expect(isTerminal(s)).toBe(true);
    for (const s of ['new', 'submitted', 'partially-filled', 'pending-cancel'] as OrderState[]) expect(isTerminal(s)).toBe(false);
  });
});
