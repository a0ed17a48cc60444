import { describe, expect, it } from 'vitest';
import { LAST_DECISIONS, publicConfig, RunStateBuilder } from '../../src/live/run-state.js';
import type { JournalEntry, RiskDecision, RunConfig } from '../../src/live/types.js';

const CONFIG: RunConfig = {
  mode: 'paper',
  strategy: 'sma-cross',
  params: { fast: 10, slow: 50 },
  symbol: 'BTC/USDT',
  timeframe: '1m',
  feed: 'replay',
  broker: 'paper',
  sim: { cash: 1000, feeRate: 0.001 },
  risk: { maxOrderNotional: 500 },
};

const bar = (index: number, close: number): JournalEntry => ({
  kind: 'bar', time: 10_000 + index, index, bar: { time: 60_000 * index, open: close, high: close, low: close, close, volume: 1 },
});
const risk = (time: number, allowed: boolean, rule: string, state: RiskDecision['state'], clientOrderId?: string): JournalEntry => ({
  kind: 'risk', time, decision: { time, clientOrderId, allowed, rule, reason: `${rule} says ${allowed ? 'yes' : 'no'}.`, state },
});

/**
 * Buy 2 at 100 (fee 0.2), sell 3 at 110 (fee 0.33: closes the long, opens 1 short), the sell's fill reported
 * twice, a refused limit buy resting, last close 105.
 */
const JOURNAL: JournalEntry[] = [
  { kind: 'start', time: 10_000, runId: 'paper-1', config: CONFIG },
  bar(0, 100),
  risk(10_001, true, 'ok', 'active', 'paper-1-1'),
  { kind: 'order', time: 10_001, order: { clientOrderId: 'paper-1-1', symbol: 'BTC/USDT', side: 'buy', type: 'market', amount: 2, reduceOnly: false, reason: 'entry', signalBar: 0, time: 10_001 } },
  { kind: 'order-state', time: 10_001, status: { clientOrderId: 'paper-1-1', state: 'submitted', filled: 0, remaining: 2 } },
  { kind: 'fill', time: 10_001, fill: { clientOrderId: 'paper-1-1', fillId: 'paper-1-1-0', side: 'buy', amount: 2, price: 100, fee: 0.2, bar: 1, time: 10_001 } },
  { kind: 'order-state', time: 10_001, status: { clientOrderId: 'paper-1-1', state: 'filled', filled: 2, remaining: 0, averagePrice: 100 } },
  bar(1, 110),
  risk(10_002, true, 'ok', 'active', 'paper-1-2'),
  { kind: 'order', time: 10_002, order: { clientOrderId: 'paper-1-2', symbol: 'BTC/USDT', side: 'sell', type: 'market', amount: 3, reduceOnly: false, reason: 'reverse', signalBar: 1, time: 10_002 } },
  { kind: 'fill', time: 10_002, fill: { clientOrderId: 'paper-1-2', fillId: 'paper-1-2-0', side: 'sell', amount: 3, price: 110, fee: 0.33, bar: 2, time: 10_002 } },
  // Reconciled a second time after a reconnect: counted once.
  { kind: 'fill', time: 10_002, fill: { clientOrderId: 'paper-1-2', fillId: 'paper-1-2-0', side: 'sell', amount: 3, price: 110, fee: 0.33, bar: 2, time: 10_002 } },
  { kind: 'order-state', time: 10_002, status: { clientOrderId: 'paper-1-2', state: 'filled', filled: 3, remaining: 0, averagePrice: 110 } },
  { kind: 'position', time: 10_002, account: { time: 10_002, cash: 1129.47, position: -1, markPrice: 110, equity: 1019.47 } },
  bar(2, 105),
  risk(10_003, false, 'max-order-notional', 'reducing-only', 'paper-1-3'),
  { kind: 'order', time: 10_003, order: { clientOrderId: 'paper-1-3', symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 1, price: 100, reduceOnly: true, reason: 'take-profit', signalBar: 2, time: 10_003 } },
  { kind: 'order-state', time: 10_003, status: { clientOrderId: 'paper-1-3', exchangeOrderId: 'x9', state: 'submitted', filled: 0, remaining: 1 } },
  { kind: 'note', time: 10_004, level: 'info', message: 'heartbeat' },
  { kind: 'note', time: 10_005, level: 'warn', message: 'feed reconnected after 2 s' },
];

describe('RunStateBuilder', () => {
  it('folds a hand-written journal into hand-worked values', () => {
    const s = RunStateBuilder.fold(JOURNAL);
    // cash: 1000 - 2*100 - 0.2 + 3*110 - 0.33 = 1129.47; short 1 from 110, marked at 105.
    expect(s.cash).toBeCloseTo(1129.47, 10);
    expect(s.positions).toEqual([{ symbol: 'BTC/USDT', amount: -1, averagePrice: 110, markPrice: 105, value: -105, unrealizedPnl: 5 }]);
    expect(s.realizedPnl).toBeCloseTo(20, 10); // 2 x (110 - 100)
    expect(s.unrealizedPnl).toBe(5); // -1 x (105 - 110)
    expect(s.fees).toBeCloseTo(0.53, 12);
    expect(s.equity).toBeCloseTo(1024.47, 10);
    expect(s.equity - s.initialCash).toBeCloseTo(s.realizedPnl + s.unrealizedPnl - s.fees, 10);
    expect(s.initialCash).toBe(1000);
    expect(s.account).toEqual({ time: 10_002, cash: 1129.47, position: -1, markPrice: 110, equity: 1019.47 });
    expect(s.orders).toBe(3);
    expect(s.fills).toBe(2);
    expect(s.bars).toBe(3);
    expect(s.ordersByState).toEqual({ new: 0, submitted: 1, 'partially-filled': 0, filled: 2, 'pending-cancel': 0, cancelled: 0, rejected: 0, expired: 0 });
    expect(s.openOrders).toEqual([
      { clientOrderId: 'paper-1-3', exchangeOrderId: 'x9', symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 1, price: 100, reduceOnly: true, reason: 'take-profit', state: 'submitted', filled: 0, remaining: 1, time: 10_003 },
    ]);
    expect(s.riskState).toBe('reducing-only');
    expect(s.riskDecisions).toEqual({ allowed: 2, refused: 1 });
    expect(s.lastDecisions.map((d) => d.rule)).toEqual(['ok', 'ok', 'max-order-notional']);
    expect(s.lastBar).toEqual({ index: 2, bar: { time: 120_000, open: 105, high: 105, low: 105, close: 105, volume: 1 }, receivedAt: 10_002 });
    expect(s.notes).toEqual([{ time: 10_005, level: 'warn', message: 'feed reconnected after 2 s' }]);
    expect(s).toMatchObject({ runId: 'paper-1', mode: 'paper', state: 'running', startedAt: 10_000, stoppedAt: null, updatedAt: 10_005 });
  });

  it('folding entry by entry gives the same as folding the file, at every prefix', () => {
    const builder = new RunStateBuilder();
    JOURNAL.forEach((entry, k) => {
      builder.apply(entry);
      expect(builder.status()).toEqual(RunStateBuilder.fold(JOURNAL.slice(0, k + 1)));
    });
  });

  it('a stop ends the run, a resume starts it again', () => {
    const stopped = RunStateBuilder.fold([...JOURNAL, { kind: 'stop', time: 20_000, reason: 'rrr stop' }]);
    expect(stopped).toMatchObject({ state: 'stopped', stoppedAt: 20_000, stopReason: 'rrr stop' });
    const resumed = RunStateBuilder.fold([...JOURNAL, { kind: 'stop', time: 20_000, reason: 'rrr stop' }, { kind: 'resume', time: 30_000, pid: 42 }]);
    expect(resumed).toMatchObject({ state: 'running', stoppedAt: null, stopReason: null, resumedAt: [30_000] });
  });

  it('a long position closed in two parts: realized at the average cost', () => {
    const fill = (id: string, side: 'buy' | 'sell', amount: number, price: number): JournalEntry => ({
      kind: 'fill', time: 1, fill: { clientOrderId: id, fillId: id, side, amount, price, fee: 0, bar: 0, time: 1 },
    });
    // Buy 1 at 100 and 3 at 120: average 115. Sell 2 at 130: +30. Sell 2 at 110: -10. Flat.
    const s = RunStateBuilder.fold([
      { kind: 'start', time: 0, runId: 'paper-2', config: { ...CONFIG, sim: {} } },
      fill('a', 'buy', 1, 100), fill('b', 'buy', 3, 120), fill('c', 'sell', 2, 130), fill('d', 'sell', 2, 110),
    ]);
    expect(s.realizedPnl).toBeCloseTo(20, 10);
    expect(s.positions).toEqual([]);
    expect(s.unrealizedPnl).toBe(0);
    expect(s.initialCash).toBe(10_000); // the engine's default cash
    expect(s.cash).toBeCloseTo(10_020, 10);
    expect(s.equity).toBeCloseTo(10_020, 10);
  });

  it(`keeps the last ${LAST_DECISIONS} risk decisions, oldest first, and counts them all`, () => {
    const entries: JournalEntry[] = [{ kind: 'start', time: 0, runId: 'paper-1', config: CONFIG }];
    for (let k = 0; k < 75; k++) entries.push(risk(k, k % 3 !== 0, k === 74 ? 'max-drawdown' : 'ok', k === 74 ? 'halted' : 'active'));
    const s = RunStateBuilder.fold(entries);
    expect(s.lastDecisions.map((d) => d.time)).toEqual(Array.from({ length: 20 }, (_, k) => 55 + k));
    expect(s.riskDecisions).toEqual({ allowed: 50, refused: 25 });
    expect(s.riskState).toBe('halted');
  });

  it('shows no secrets of the config: secret-looking keys dropped, URL credentials removed', () => {
    const config = {
      ...CONFIG,
      exchangeUrl: 'https://me:PLANTED-SECRET-1@127.0.0.1:8765/api',
      risk: { maxOrderNotional: 500, apiKey: 'PLANTED-SECRET-2', nested: { secret: 'PLANTED-SECRET-3', token: 'PLANTED-SECRET-4' } },
    } as RunConfig;
    const shown = publicConfig(config);
    expect(JSON.stringify(shown)).not.toMatch(/PLANTED/);
    expect(shown.exchangeUrl).toBe('https://127.0.0.1:8765/api');
    expect(shown.risk).toEqual({ maxOrderNotional: 500, nested: {} });
    const s = RunStateBuilder.fold([{ kind: 'start', time: 0, runId: 'live-1', config }]);
    expect(JSON.stringify(s)).not.toMatch(/PLANTED/);
  });
});
