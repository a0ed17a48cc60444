import { describe, expect, it } from 'vitest';
import { makeBars } from '../../src/data/bars.js';
import { resolveSimOptions } from '../../src/engine/options.js';
import { ExchangeExecution } from '../../src/live/exchange-execution.js';
import type { Broker, Fill, OrderRequest, OrderStatus } from '../../src/live/types.js';

/** A venue that answers from a script: what it reports on each sync. */
class ScriptedVenue implements Broker {
  readonly kind = 'exchange' as const;
  reports: { fills: Fill[]; orders: OrderStatus[] }[] = [];
  sent: OrderRequest[] = [];
  async submit(order: OrderRequest): Promise<OrderStatus> {
    this.sent.push(order);
    return { clientOrderId: order.clientOrderId, state: 'submitted', filled: 0, remaining: order.amount };
  }
  async cancel(id: string): Promise<OrderStatus> {
    return { clientOrderId: id, state: 'cancelled', filled: 0, remaining: 0 };
  }
  async sync() {
    return this.reports.shift() ?? { fills: [], orders: [] };
  }
  async balances() {
    return {};
  }
  async openOrders() {
    return [];
  }
  async close() {}
}

const bars = (n: number, lows: number[] = []) => {
  const c = Float64Array.from({ length: n }, () => 100);
  const low = Float64Array.from({ length: n }, (_, i) => lows[i] ?? 99);
  return makeBars({ time: Float64Array.from({ length: n }, (_, i) => i * 86_400_000), open: c, high: Float64Array.from({ length: n }, () => 101), low, close: c, volume: c });
};
const order = (id: string, side: 'buy' | 'sell', amount: number, reduceOnly: boolean, reason: string): OrderRequest => ({ clientOrderId: id, symbol: 'X/USDT', side, type: 'market', amount, reduceOnly, reason, signalBar: 0, time: 0 });
const fill = (id: string, k: number, side: 'buy' | 'sell', amount: number, price: number, fee: number, bar: number): Fill => ({ clientOrderId: id, fillId: `${id}-${k}`, side, amount, price, fee, bar, time: bar * 86_400_000 });

describe('an exchange run\'s ledger: the engine\'s Book fed with the venue\'s fills', () => {
  it('keeps cash and position from fills in parts, sets the stop from the first part\'s price, and sends an emulated stop exit', async () => {
    const venue = new ScriptedVenue();
    const ex = new ExchangeExecution(venue, resolveSimOptions({ cash: 1000, stopLoss: { kind: 'pct', value: 0.05 } }), 'X/USDT', 'r-');
    await ex.submit(order('r-o1', 'buy', 9, false, 'entry'));
    // The entry fills in two parts at 100 and 102, fees 0.5 and 0.3.
    venue.reports.push({ fills: [fill('r-o1', 1, 'buy', 4, 100, 0.5, 1), fill('r-o1', 2, 'buy', 5, 102, 0.3, 1)], orders: [{ clientOrderId: 'r-o1', state: 'filled', filled: 9, remaining: 0, averagePrice: 101.111 }] });
    expect(await ex.onBar(bars(2), 1)).toEqual([]);
    // Hand-worked: cash 1000 - 400 - 0.5 - 510 - 0.3 = 89.2; entry price (4 x 100 + 5 x 102) / 9; stop 5% below the first part's 100.
    expect(ex.book.cash).toBeCloseTo(89.2, 10);
    expect(ex.book.pos).toBe(9);
    expect(ex.book.entryPrice).toBeCloseTo(910 / 9, 10);
    expect(ex.book.stop).toBeCloseTo(95, 10);
    // Bar 2's low 94 crosses the stop at 95: the ledger asks for a market exit of the whole position.
    const exits = await ex.onBar(bars(3, [99, 99, 94]), 2);
    expect(exits).toHaveLength(1);
    expect(exits[0]).toMatchObject({ side: 'sell', amount: 9, reduceOnly: true, reason: 'stop-loss' });
    await ex.submit(exits[0]);
    expect(ex.busy).toBe(true);
    // It fills at the next open, 96, fee 0.4: the trade closes, the position is flat again.
    venue.reports.push({ fills: [fill(exits[0].clientOrderId, 1, 'sell', 9, 96, 0.4, 3)], orders: [{ clientOrderId: exits[0].clientOrderId, state: 'filled', filled: 9, remaining: 0, averagePrice: 96 }] });
    await ex.onBar(bars(4), 3);
    expect(ex.book.pos).toBe(0);
    expect(ex.busy).toBe(false);
    expect(ex.book.cash).toBeCloseTo(89.2 + 864 - 0.4, 10);
    expect(ex.book.trades.count).toBe(1);
    expect(ex.takeNotes()).toEqual([]);
  });

  it('follows each order through the state machine and keeps a note when the venue reports an illegal transition', async () => {
    const venue = new ScriptedVenue();
    const ex = new ExchangeExecution(venue, resolveSimOptions({}), 'X/USDT', 'r-');
    await ex.submit(order('r-o1', 'buy', 2, false, 'entry'));
    venue.reports.push({ fills: [], orders: [{ clientOrderId: 'r-o1', state: 'cancelled', filled: 0, remaining: 2 }] });
    await ex.sync();
    // A fill reported after the cancel: the state machine refuses it (cancelled is final).
    venue.reports.push({ fills: [], orders: [{ clientOrderId: 'r-o1', state: 'filled', filled: 2, remaining: 0 }] });
    await ex.sync();
    const notes = ex.takeNotes();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^The venue reported order r-o1 as filled with 2 filled, which its state machine refuses: Order r-o1 is cancelled and cannot take/);
  });
});
