import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bars } from '../../src/data/bars.js';
import { marketInfo, type Exchange } from '../../src/exchange/client.js';
import type { Emulator } from '../../src/exchange/emulator/index.js';
import { ExchangeBroker } from '../../src/live/exchange-broker.js';
import type { MarketInfo, OrderRequest } from '../../src/live/types.js';
import { startTestVenue } from '../exchange/exchange-fixtures.js';

interface VenueTrade {
  id: number;
  orderId: number;
  price: string;
  qty: string;
  commission: string;
  time: number;
}

const FEE_RATE = 0.001;

function order(clientOrderId: string, fields: Partial<OrderRequest> = {}): OrderRequest {
  return { clientOrderId, symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 1, reduceOnly: false, reason: 'entry', signalBar: 0, time: 0, ...fields };
}

/** Counts the order placements ccxt sends (POST /api/v3/order), while sending them. */
function countPlacements(exchange: Exchange): () => number {
  let posts = 0;
  const ex = exchange as unknown as { fetch: (url: string, method: string, headers: unknown, body: unknown) => Promise<unknown> };
  const original = ex.fetch.bind(exchange);
  ex.fetch = (url, method, headers, body) => {
    if (method === 'POST' && new URL(url).pathname === '/api/v3/order') posts++;
    return original(url, method, headers, body);
  };
  return () => posts;
}

describe('ExchangeBroker against the emulator (real ccxt, real HTTP)', () => {
  let emulator: Emulator;
  let exchange: Exchange;
  let bars: Bars;
  let market: MarketInfo;
  let placements: () => number;
  const venueTrades = () => emulator.state().trades as VenueTrade[];
  const formingOpen = () => bars.open[emulator.closedBars];

  beforeAll(async () => {
    ({ emulator, exchange, bars } = await startTestVenue(400, { closedBars: 100, balances: { USDT: 1_000_000, BTC: 0 }, feeRate: FEE_RATE }));
    market = await marketInfo(exchange, 'BTC/USDT');
    placements = countPlacements(exchange);
  });
  afterAll(async () => {
    await emulator?.close();
  });

  const broker = (extra: Partial<ConstructorParameters<typeof ExchangeBroker>[0]> = {}) =>
    new ExchangeBroker({ exchange, market, retry: { baseDelayMs: 5, jitter: 0 }, ...extra });

  it('a market order fills at the forming bar\'s open; its fill is reported once, fee in quote', async () => {
    const b = broker();
    const price = formingOpen();
    const status = await b.submit(order('m-1', { amount: 1.23456 }));
    expect(status).toMatchObject({ clientOrderId: 'm-1', state: 'filled', filled: 1.234, remaining: 0 });
    const { fills, orders } = await b.sync();
    expect(fills).toHaveLength(1);
    const venue = venueTrades().at(-1)!;
    // Amount truncated to the 0.001 step before sending; price and fee as the venue booked them.
    expect(fills[0]).toMatchObject({ clientOrderId: 'm-1', fillId: String(venue.id), side: 'buy', amount: 1.234, price, time: venue.time });
    expect(fills[0].fee).toBeCloseTo(1.234 * price * FEE_RATE, 10);
    expect(orders.map((o) => o.state)).toEqual(['filled']);
    expect((await b.sync()).fills).toEqual([]);
    const balances = await b.balances();
    expect(balances.BTC).toBeCloseTo(1.234, 10);
  });

  it('orders under the minimum quantity or notional are rejected with a sentence and never sent', async () => {
    const b = broker();
    const before = placements();
    const tiny = await b.submit(order('min-1', { amount: 0.0004 }));
    expect(tiny.state).toBe('rejected');
    expect(tiny.reason).toBe('Order min-1 for 0.0004 BTC is under binance\'s minimum of 0.001 BTC once rounded to its step 0.001.');
    const small = await b.submit(order('min-2', { type: 'limit', amount: 0.02, price: 100 }));
    expect(small.state).toBe('rejected');
    expect(small.reason).toBe('Order min-2 for 0.02 BTC at about 100 USDT is worth 2 USDT, under binance\'s minimum of 5 USDT.');
    const market2 = await b.submit(order('min-3', { amount: 0.03 }));
    expect(market2.state).toBe('rejected');
    expect(market2.reason).toMatch(/^Order min-3 for 0\.03 BTC at about [\d.]+ USDT is worth [\d.]+ USDT, under binance's minimum of 5 USDT\.$/);
    expect(placements()).toBe(before);
  });

  it('stop orders are refused where the venue has no stop order types (the runner emulates them)', async () => {
    const before = placements();
    const status = await broker().submit(order('stop-1', { side: 'sell', type: 'stop-market', stopPrice: 90 }));
    expect(status).toMatchObject({ state: 'rejected', reason: 'binance takes no stop-market orders for BTC/USDT: the runner emulates stop-loss and take-profit there.' });
    expect(placements()).toBe(before);
  });

  it('a limit order rests at its rounded price and is cancelled', async () => {
    const b = broker();
    const status = await b.submit(order('lim-1', { type: 'limit', amount: 1, price: 50.123 }));
    expect(status.state).toBe('submitted');
    const open = (emulator.state().openOrders as { clientOrderId: string; price: string }[]).find((o) => o.clientOrderId === 'lim-1');
    expect(Number(open?.price)).toBe(50.12);
    expect((await b.openOrders()).map((o) => o.clientOrderId)).toContain('lim-1');
    const cancelled = await b.cancel('lim-1');
    expect(cancelled).toMatchObject({ state: 'cancelled', filled: 0 });
    expect(await b.cancel('lim-1')).toBe(cancelled); // cancelling again asks nothing and changes nothing
    expect((await b.openOrders()).map((o) => o.clientOrderId)).not.toContain('lim-1');
  });

  it('cancelling an order that already filled answers its filled state', async () => {
    const b = broker();
    await b.submit(order('cf-1', { amount: 1 }));
    const fresh = broker(); // knows nothing of cf-1: asks the venue
    expect(await fresh.cancel('cf-1')).toMatchObject({ clientOrderId: 'cf-1', state: 'filled', filled: 1 });
    await expect(fresh.cancel('never-sent')).rejects.toThrow('binance does not know the order while cancelling order never-sent ("Unknown order sent").');
  });

  it('partial fills: each fill reported once, states partially filled then filled, fills summing to the order', async () => {
    const b = broker();
    // Marketable (price far above) and larger than the 10% of a bar's volume the venue fills per bar.
    const amount = 150;
    const first = await b.submit(order('part-1', { type: 'limit', amount, price: 500 }));
    expect(first.state).toBe('partially-filled');
    const fills = [...(await b.sync()).fills];
    const seen = new Set<string>();
    let states: string[] = [];
    for (let k = 0; k < 3 && fills.reduce((s, f) => s + f.amount, 0) < amount - 1e-9; k++) {
      emulator.advance(1);
      const step = await b.sync();
      fills.push(...step.fills);
      states = states.concat(step.orders.map((o) => o.state));
    }
    for (const f of fills) {
      expect(seen.has(f.fillId)).toBe(false);
      seen.add(f.fillId);
    }
    expect(fills.length).toBeGreaterThanOrEqual(2);
    expect(fills.reduce((s, f) => s + f.amount, 0)).toBeCloseTo(amount, 9);
    expect(states.at(-1)).toBe('filled');
    const venue = venueTrades().filter((t) => fills.some((f) => f.fillId === String(t.id)));
    expect(venue).toHaveLength(fills.length);
  });

  it('after a restart: fills already journaled are not counted again, a lost fill is found, and a resubmit is adopted, not re-sent', async () => {
    const first = broker({ clientOrderIdPrefix: 'runR-' });
    const s1 = await first.submit(order('runR-1', { amount: 2 }));
    const journal = { orders: [s1], fills: [...(await first.sync()).fills] };
    expect(journal.fills).toHaveLength(1);
    // Sent, filled on the venue, then the process died before its status or fill was journaled.
    await first.submit(order('runR-2', { amount: 3, side: 'buy' }));
    const venueAfterCrash = venueTrades().length;
    const placed = placements();

    const second = broker({ clientOrderIdPrefix: 'runR-', restore: { orders: journal.orders, fillIds: journal.fills.map((f) => f.fillId) } });
    // The runner replays the order it had decided: the venue already has it, so it is adopted.
    const adopted = await second.submit(order('runR-2', { amount: 3 }));
    expect(adopted).toMatchObject({ clientOrderId: 'runR-2', state: 'filled', filled: 3 });
    expect(placements()).toBe(placed);
    const { fills } = await second.sync();
    expect(fills.map((f) => [f.clientOrderId, f.amount])).toEqual([['runR-2', 3]]);
    expect((await second.sync()).fills).toEqual([]);
    expect(venueTrades().length).toBe(venueAfterCrash);
  });

  it('trades of orders that are not this run\'s are left out', async () => {
    const other = broker();
    await other.submit(order('manual-1', { amount: 1 }));
    // A restored broker reads the account's recent trades: other runs' and manual ones are among them.
    const mine = broker({ clientOrderIdPrefix: 'runX-', restore: { orders: [] } });
    expect((await mine.sync()).fills).toEqual([]);
  });

  it('dropped connections on the order path: retried through the lookup, placed exactly once', async () => {
    const b = broker();
    const before = placements();
    const trades = venueTrades().length;
    emulator.injectFault({ kind: 'drop', path: '/api/v3/order', count: 2 });
    const status = await b.submit(order('drop-1', { amount: 1 }));
    expect(status.state).toBe('filled');
    expect(placements() - before).toBe(1);
    expect(venueTrades().length - trades).toBe(1);
  });

  it('a rejection by the venue is a status with the venue\'s reason', async () => {
    const b = broker();
    // More than the account holds: binance answers -2010 insufficient balance.
    const status = await b.submit(order('broke-1', { side: 'sell', amount: 10_000 }));
    expect(status.state).toBe('rejected');
    expect(status.reason).toMatch(/^binance refused the order while placing order broke-1 .*insufficient balance/i);
  });
});
