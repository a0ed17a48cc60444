import { describe, expect, it } from 'vitest';
import { preTradeCheck, preTradeDecision, roundToStep, type MarketFilters } from '../../src/live/pre-trade.js';
import type { OrderRequest } from '../../src/live/types.js';
import { Mulberry32 } from '../../src/stats/mulberry32.js';

const BTC: MarketFilters = { tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, minNotional: 5 };
const order = (o: Partial<OrderRequest>): OrderRequest => ({ clientOrderId: 'p-1', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 0.01, reduceOnly: false, reason: 'entry', signalBar: 0, time: 0, ...o });
const balances = { USDT: 1000, BTC: 0.5 };

describe('roundToStep: exact whole steps', () => {
  it('counts 0.1 + 0.2 and 0.3 as 3 steps of 0.1, where float division says otherwise', () => {
    expect(Math.floor(0.3 / 0.1)).toBe(2);
    expect(Math.floor((0.1 + 0.2) / 0.1) * 0.1).toBe(0.30000000000000004);
    expect(roundToStep(0.3, 0.1, 'down')).toBe(0.3);
    expect(roundToStep(0.1 + 0.2, 0.1, 'down')).toBe(0.3);
    expect(roundToStep(1.0005, 0.001, 'down')).toBe(1);
    expect(roundToStep(0.123456789123, 1e-8, 'down')).toBe(0.12345678);
    expect(roundToStep(12.7, 1, 'down')).toBe(12);
    expect(roundToStep(101.3, 0.5, 'down')).toBe(101);
    expect(roundToStep(101.3, 0.5, 'up')).toBe(101.5);
    // Half a tick rounds up to nearest; Math.round(1.005 / 0.01) says 100 because 1.005 / 0.01 = 100.49999999999999.
    expect(Math.round(1.005 / 0.01)).toBe(100);
    expect(roundToStep(1.005, 0.01, 'nearest')).toBe(1.01);
    expect(roundToStep(99.995, 0.01, 'nearest')).toBe(100);
    expect(roundToStep(99.994, 0.01, 'nearest')).toBe(99.99);
    expect(roundToStep(2.5, 0.5, 'up')).toBe(2.5);
  });

  it('agrees with a reference built from decimal strings on 5,000 random cases', () => {
    const rng = new Mulberry32(7);
    const int = (lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));
    for (let i = 0; i < 5000; i++) {
      const d = int(0, 8);
      const k = int(1, 1_000_000);
      const extra = int(0, 999);
      // value = k steps of 10^-d plus extra thousandths of a step; rounded down it is k steps, up k (+1 if extra).
      const value = Number(`${k}${String(extra).padStart(3, '0')}e-${d + 3}`);
      const step = Number(`1e-${d}`);
      expect(roundToStep(value, step, 'down'), `${value} / ${step}`).toBe(Number(`${k}e-${d}`));
      expect(roundToStep(value, step, 'up')).toBe(Number(`${extra > 0 ? k + 1 : k}e-${d}`));
    }
  });
});

describe('preTradeCheck: hand-worked cases', () => {
  it('rounds a limit buy down to the step and the tick, and says what changed', () => {
    const r = preTradeCheck(order({ type: 'limit', amount: 0.0123456, price: 43210.987 }), BTC, balances, 43200);
    expect(r.allowed).toBe(true);
    expect(r.rule).toBe('precision');
    expect(r.order).toMatchObject({ amount: 0.01234, price: 43210.98 });
    expect(r.changes).toEqual(['amount rounded down from 0.0123456 to 0.01234 (step 0.00001)', 'limit price rounded down from 43210.987 to 43210.98 (tick 0.01)']);
    expect(r.reason).toBe('Order p-1 meets the filters of BTC/USDT and the free balance once rounded: amount rounded down from 0.0123456 to 0.01234 (step 0.00001); limit price rounded down from 43210.987 to 43210.98 (tick 0.01).');
  });

  it('rounds a limit sell up (never a worse price than asked) and a stop price to the nearest tick', () => {
    const sell = preTradeCheck(order({ side: 'sell', type: 'limit', amount: 0.1, price: 100.001 }), BTC, balances, 100);
    expect(sell.order?.price).toBe(100.01);
    const stop = preTradeCheck(order({ side: 'sell', type: 'stop-market', amount: 0.1, stopPrice: 99.995 }), BTC, balances, 100);
    expect(stop.order?.stopPrice).toBe(100);
  });

  it('passes an order that needs no rounding with rule ok', () => {
    const r = preTradeCheck(order({ amount: 0.01 }), BTC, balances, 40000);
    expect(r).toMatchObject({ allowed: true, rule: 'ok', changes: [], order: { amount: 0.01 } });
  });

  it('refuses below one step, below the minimum quantity and below the minimum notional, one sentence each', () => {
    expect(preTradeCheck(order({ amount: 0.000004 }), BTC, balances, 40000)).toMatchObject({
      allowed: false,
      rule: 'min-size',
      reason: 'Order p-1 amount 0.000004 is less than one lot step (0.00001) of BTC/USDT, so it rounds down to 0.',
    });
    const lots: MarketFilters = { tickSize: 0.01, stepSize: 0.001, minQty: 0.01, minNotional: 0 };
    expect(preTradeCheck(order({ amount: 0.0099 }), lots, balances, 100)).toMatchObject({
      allowed: false,
      rule: 'min-size',
      reason: 'Order p-1 amount 0.009 is below the minimum quantity 0.01 of BTC/USDT (after rounding: amount rounded down from 0.0099 to 0.009 (step 0.001)).',
    });
    // 0.0001 x 43210.98 = 4.321098 < 5
    expect(preTradeCheck(order({ type: 'limit', amount: 0.0001, price: 43210.98 }), BTC, balances, 43000)).toMatchObject({
      allowed: false,
      rule: 'min-size',
      reason: 'Order p-1 is worth 4.321098 at 43210.98, below the minimum notional 5 of BTC/USDT.',
    });
    expect(preTradeCheck(order({ amount: 3 }), { ...BTC, maxQty: 2 }, { USDT: 1e9 }, 100)).toMatchObject({ allowed: false, rule: 'max-size' });
  });

  it('refuses beyond the free balance: quote for a buy (fees included), base for a sell', () => {
    // 0.03 x 40000 = 1200 > 1000 USDT
    expect(preTradeCheck(order({ amount: 0.03 }), BTC, balances, 40000)).toMatchObject({ allowed: false, rule: 'balance', reason: 'Order p-1 needs 1200 USDT at 40000 but only 1000 USDT is free.' });
    // 0.02497 x 40000 = 998.8, x 1.001 = 999.7988 <= 1000; 0.02499 x 40000 x 1.001 = 1000.5996 > 1000
    expect(preTradeCheck(order({ amount: 0.02497 }), BTC, balances, 40000, { feeRate: 0.001 }).allowed).toBe(true);
    expect(preTradeCheck(order({ amount: 0.02499 }), BTC, balances, 40000, { feeRate: 0.001 })).toMatchObject({ allowed: false, rule: 'balance' });
    expect(preTradeCheck(order({ side: 'sell', amount: 0.6 }), BTC, balances, 40000)).toMatchObject({ allowed: false, rule: 'balance', reason: 'Order p-1 sells 0.6 BTC but only 0.5 BTC is free.' });
    // Selling the whole balance of 0.1 + 0.2 BTC after rounding to 0.3 passes.
    expect(preTradeCheck(order({ side: 'sell', amount: 0.1 + 0.2 }), { ...BTC, stepSize: 0.1 }, { BTC: 0.3 }, 40000)).toMatchObject({ allowed: true, order: { amount: 0.3 } });
    expect(preTradeCheck(order({ amount: 0.01 }), BTC, {}, 40000)).toMatchObject({ allowed: false, rule: 'balance', reason: 'Order p-1 needs 400 USDT at 40000 but only 0 USDT is free.' });
  });

  it('refuses a non-positive amount or price, and turns a result into a journaled decision', () => {
    expect(preTradeCheck(order({ amount: 0 }), BTC, balances, 40000)).toMatchObject({ allowed: false, rule: 'min-size' });
    expect(preTradeCheck(order({ type: 'limit', price: -1 }), BTC, balances, 40000)).toMatchObject({ allowed: false, rule: 'precision', reason: 'Order p-1 has price -1: a price must be a number greater than 0.' });
    const r = preTradeCheck(order({ amount: 0.03 }), BTC, balances, 40000);
    expect(preTradeDecision(r, 'p-1', 'active', 123)).toEqual({ time: 123, clientOrderId: 'p-1', allowed: false, rule: 'balance', reason: r.reason, state: 'active' });
  });
});
