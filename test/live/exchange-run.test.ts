import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sliceBars } from '../../src/data/bars.js';
import { startEmulator, type Emulator } from '../../src/exchange/emulator/index.js';
import { runExchangeSession } from '../../src/live/exchange-session.js';
import type { JournalEntry } from '../../src/live/types.js';
import { runBacktest } from '../../src/strategies/backtest.js';
import { builtinStrategy } from '../../src/strategies/registry.js';
import { readCsvBars } from '../helpers/shared.js';
import { tempDir } from '../helpers/cli.js';

const KEY = 'PLANTED-live-key-7f3a';
const SECRET = 'PLANTED-live-secret-91bd';
const demo = readCsvBars('datasets/demo-a_1d.csv');
const CLOSED = 400;
const HISTORY = 100;
const LIVE = 60;

function entries(folder: string): JournalEntry[] {
  return readFileSync(join(folder, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as JournalEntry);
}

/** Closes one bar on the emulator every few ms while the session runs, until it ends. */
async function withClock<T>(emulator: Emulator, run: Promise<T>): Promise<T> {
  let done = false;
  const ticking = (async () => {
    while (!done && emulator.state().formingBarTime !== null) {
      await new Promise((r) => setTimeout(r, 40));
      if (!done) emulator.advance(1);
    }
  })();
  try {
    return await run;
  } finally {
    done = true;
    await ticking;
  }
}

describe('runs on a venue: the local Binance emulator through ccxt', () => {
  const emulators: Emulator[] = [];
  afterAll(async () => {
    for (const e of emulators) await e.close();
  });
  const job = (db: string) => ({ strategy: 'sma-cross', params: { fast: '3', slow: '8' }, db, sim: { feeRate: 0.001 } });
  const quick = (db: string) => ({ ...job(db), params: { fast: '2', slow: '5' } });

  it('paper on the venue\'s bars: history warms the strategy, then each closed bar trades as the backtest does from there', async () => {
    const emulator = await startEmulator({ bars: demo, symbol: 'BTC/USDT', timeframe: '1d', closedBars: CLOSED, apiKey: KEY, secret: SECRET });
    emulators.push(emulator);
    const db = join(tempDir(), '.rrr', 'rrr.duckdb');
    const result = await withClock(emulator, runExchangeSession({ db, mode: 'paper', job: job(db), exchange: 'binance', exchangeUrl: emulator.url, symbol: 'BTC/USDT', timeframe: '1d', historyBars: HISTORY, maxBars: LIVE, pollMs: 5 }));
    expect(result.stoppedBy).toBe('max-bars');
    expect(result.historyBars).toBe(HISTORY);
    const journal = entries(result.folder);
    const bars = journal.flatMap((e) => (e.kind === 'bar' ? [e] : []));
    expect(bars.filter((b) => b.warmup).length).toBe(HISTORY);
    expect(bars.length).toBe(HISTORY + LIVE);
    // The bars are the emulator's (the CSV's), in order, none doubled or skipped (the clock was already ticking
    // while the session connected, so the history ends wherever the clock was then).
    const first = demo.time.indexOf(bars[0].bar.time);
    expect(first).toBeGreaterThanOrEqual(CLOSED - HISTORY);
    bars.forEach((b, i) => expect(b.bar).toEqual({ time: demo.time[first + i], open: demo.open[first + i], high: demo.high[first + i], low: demo.low[first + i], close: demo.close[first + i], volume: demo.volume[first + i] }));
    const fills = journal.flatMap((e) => (e.kind === 'fill' ? [e.fill] : []));
    const window = sliceBars(demo, first, first + HISTORY + LIVE);
    const backtest = runBacktest(window, { strategy: builtinStrategy('sma-cross')!, params: { fast: 3, slow: 8 }, sim: { feeRate: 0.001 }, periodsPerYear: 365, simulateFrom: HISTORY });
    const o = backtest.result.orders;
    const expected = Array.from({ length: o.count }, (_, k) => ({ bar: o.bar[k] + HISTORY, side: o.side[k] > 0 ? 'buy' : 'sell', size: o.size[k], price: o.price[k], fee: o.fee[k] }));
    expect(fills.length).toBeGreaterThan(3);
    expect(fills.map((f) => ({ bar: f.bar, side: f.side, size: f.amount, price: f.price, fee: f.fee }))).toEqual(expected);
  }, 60_000);

  it('live on the venue: every order is the venue\'s, the journal\'s fills are its trades, and the keys appear nowhere', async () => {
    const emulator = await startEmulator({ bars: demo, symbol: 'BTC/USDT', timeframe: '1d', closedBars: CLOSED, apiKey: KEY, secret: SECRET, balances: { USDT: 10_000, BTC: 0 }, volumeShare: Infinity });
    emulators.push(emulator);
    const dir = tempDir();
    const db = join(dir, '.rrr', 'rrr.duckdb');
    const result = await withClock(
      emulator,
      runExchangeSession({ db, mode: 'live', job: { ...quick(db), sim: { cash: 5_000, stopLoss: { kind: 'pct', value: 0.02 } } }, exchange: 'binance', exchangeUrl: emulator.url, symbol: 'BTC/USDT', timeframe: '1d', keys: { apiKey: KEY, secret: SECRET, source: 'test' } as never, historyBars: HISTORY, maxBars: 30, pollMs: 5 }),
    );
    expect(result.runId).toBe('live-1');
    const journal = entries(result.folder);
    const fills = journal.flatMap((e) => (e.kind === 'fill' ? [e.fill] : []));
    const trades = emulator.state().trades as { price: string | number; qty: string | number; isBuyer: boolean }[];
    // At least one round trip (how many depends on where the ticking clock was when the run connected).
    expect(fills.length).toBeGreaterThanOrEqual(2);
    expect(fills.length).toBe(trades.length);
    fills.forEach((f, k) => {
      expect(f.side).toBe(trades[k].isBuyer ? 'buy' : 'sell');
      expect(f.amount).toBeCloseTo(Number(trades[k].qty), 12);
      expect(f.price).toBeCloseTo(Number(trades[k].price), 12);
    });
    // Every fill belongs to an order the run journaled before sending it.
    const sent = journal.flatMap((e, i) => (e.kind === 'order' ? [[e.order.clientOrderId, i] as const] : []));
    for (const f of fills) expect(sent.some(([id]) => id === f.clientOrderId)).toBe(true);
    // Emulated stop-losses exit on the venue with reason stop-loss when the level is crossed.
    const reasons = new Set(journal.flatMap((e) => (e.kind === 'order' ? [e.order.reason] : [])));
    expect(reasons.has('entry')).toBe(true);
    // The ledger's position equals the venue's base balance.
    const base = emulator.state().balances.BTC;
    expect(result.status.positions[0]?.amount ?? 0).toBeCloseTo(base.free + base.locked, 9);
    for (const file of readdirSync(result.folder)) {
      const text = readFileSync(join(result.folder, file), 'utf8');
      expect(text.includes(KEY) || text.includes(SECRET), file).toBe(false);
    }
  }, 60_000);
});
