import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Bars } from '../../src/data/bars.js';
import { createExchange, type Exchange } from '../../src/exchange/client.js';
import type { Emulator } from '../../src/exchange/emulator/index.js';
import { ExchangeFeed } from '../../src/live/exchange-feed.js';
import type { LiveBar } from '../../src/live/types.js';
import { MINUTE, START, startTestVenue } from '../exchange/exchange-fixtures.js';

const barAt = (bars: Bars, i: number): LiveBar => ({
  time: bars.time[i],
  open: bars.open[i],
  high: bars.high[i],
  low: bars.low[i],
  close: bars.close[i],
  volume: bars.volume[i],
});
const range = (bars: Bars, from: number, to: number) => Array.from({ length: to - from }, (_, k) => barAt(bars, from + k));

const fastRetry = { baseDelayMs: 5, jitter: 0 };

async function take(feed: ExchangeFeed, n: number): Promise<LiveBar[]> {
  const out: LiveBar[] = [];
  for (let k = 0; k < n; k++) {
    const bar = await feed.next();
    if (bar === null) break;
    out.push(bar);
  }
  return out;
}

describe('ExchangeFeed against the emulator (real ccxt, real HTTP)', () => {
  let emulator: Emulator;
  let exchange: Exchange;
  let bars: Bars;
  const feeds: ExchangeFeed[] = [];
  const retries: { kind: string; delayMs: number }[] = [];
  const open = (since?: number, pageLimit = 40) => {
    const retry = { ...fastRetry, onRetry: (e: { failure: { kind: string }; delayMs: number }) => void retries.push({ kind: e.failure.kind, delayMs: e.delayMs }) };
    const feed = new ExchangeFeed({ exchange, symbol: 'BTC/USDT', timeframe: '1m', since, pollMs: 20, pageLimit, retry });
    feeds.push(feed);
    return feed;
  };
  beforeAll(async () => {
    ({ emulator, exchange, bars } = await startTestVenue(400, { closedBars: 100 }));
  });
  afterEach(async () => {
    for (const feed of feeds.splice(0)) await feed.close();
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('history pages through the closed bars only, values as served', async () => {
    const feed = open(undefined, 30);
    const closed = emulator.closedBars;
    const history = await feed.history(START);
    expect(history).toEqual(range(bars, 0, closed));
    expect(await feed.history(START + 10 * MINUTE, START + 25 * MINUTE)).toEqual(range(bars, 10, 25));
  });

  it('backfills from `since` in order, then returns each bar as it closes, once', async () => {
    const feed = open(START);
    const closed = emulator.closedBars;
    expect(await take(feed, closed)).toEqual(range(bars, 0, closed));
    const pending = feed.next();
    emulator.advance(1);
    expect(await pending).toEqual(barAt(bars, closed));
    emulator.advance(3);
    expect(await take(feed, 3)).toEqual(range(bars, closed + 1, closed + 4));
  });

  it('every closed bar exactly once across a dropped connection, a 5xx, a 429 and a timeout', async () => {
    const start = emulator.closedBars;
    retries.length = 0;
    const feed = open(bars.time[start - 1]);
    const got: LiveBar[] = [await feed.next()].filter((b): b is LiveBar => b !== null);
    const faults = [
      { kind: 'drop' as const, path: '/api/v3/klines' },
      { kind: 'server-error' as const, status: 502, count: 2, path: '/api/v3/klines' },
      { kind: 'rate-limit' as const, retryAfter: 1, path: '/api/v3/klines' },
      { kind: 'timeout' as const, path: '/api/v3/klines' },
      { kind: 'drop' as const, path: '/api/v3/time' },
    ];
    for (const fault of faults) {
      // Bars close while the venue is failing: they must come after, in order.
      emulator.advance(2);
      emulator.injectFault(fault);
      got.push(...(await take(feed, 2)));
    }
    expect(got).toEqual(range(bars, start - 1, start + 2 * faults.length));
    // Every fault was met, and retried (the 429's Retry-After of 1 s honoured).
    expect(retries.map((r) => r.kind)).toEqual(['network', 'unavailable', 'unavailable', 'rate-limit', 'timeout', 'network']);
    expect(retries[3].delayMs).toBeGreaterThanOrEqual(1000);
  });

  it('a restart with since = the last bar seen + 1m misses nothing and repeats nothing', async () => {
    const start = emulator.closedBars;
    const first = open(bars.time[start - 5]);
    const before = await take(first, 5);
    await first.close();
    expect(await first.next()).toBeNull();
    emulator.advance(7); // closed while the runner was down
    const resumeAt = before[before.length - 1].time + MINUTE;
    const second = open(resumeAt);
    // The restarted runner rebuilds its history from the venue, then reads on from where it stopped.
    expect(await second.history(bars.time[start - 5], resumeAt)).toEqual(before);
    const after = await take(second, 7);
    expect([...before, ...after]).toEqual(range(bars, start - 5, start + 7));
  });

  it('with websockets asked for, the socket fails against the REST-only emulator and the feed polls on', async () => {
    const pro = await createExchange('binance', { url: emulator.url, apiKey: emulator.apiKey, secret: emulator.secret, timeoutMs: 1500, websocket: true });
    expect(typeof pro.watchOHLCV).toBe('function');
    const notes: string[] = [];
    const start = emulator.closedBars;
    const feed = new ExchangeFeed({ exchange: pro, symbol: 'BTC/USDT', timeframe: '1m', since: bars.time[start - 1], pollMs: 20, retry: fastRetry, onNote: (_l, m) => notes.push(m) });
    feeds.push(feed);
    expect(await feed.next()).toEqual(barAt(bars, start - 1));
    const pending = feed.next(); // waits: the socket is tried now
    await new Promise<void>((resolve) => {
      const check = () => (notes.some((n) => n.includes('websocket')) ? resolve() : setTimeout(check, 10));
      check();
    });
    emulator.advance(2);
    expect([await pending, await feed.next()]).toEqual(range(bars, start, start + 2));
    expect(notes.filter((n) => n.includes('websocket'))).toHaveLength(1);
    expect(notes.find((n) => n.includes('websocket'))).toBe('binance websocket for BTC/USDT failed: polling every 20 ms instead.');
    await (pro as unknown as { close(): Promise<void> }).close();
  });

  it('close() ends a waiting next() with null', async () => {
    const feed = open();
    const pending = feed.next();
    await feed.close();
    expect(await pending).toBeNull();
  });
});

/** A stand-in venue: serves `rows` from `since` (or all of them, to check the feed drops what it gave). */
function stubVenue(state: { now: number; rows: number[][]; ignoreSince?: boolean }): Exchange {
  return {
    id: 'stub',
    fetchTime: async () => state.now,
    fetchOHLCV: async (_s: string, _tf: string, since?: number, limit = 1000) =>
      state.rows.filter((r) => state.ignoreSince || since === undefined || r[0] >= since).slice(0, limit),
  } as unknown as Exchange;
}

describe('ExchangeFeed websocket wake-up (stub venue)', () => {
  it('a candle on the socket newer than the bar owed wakes the poll at once', async () => {
    const row = (i: number) => [START + i * MINUTE, 1, 2, 0.5, 1.5, 10];
    const state = { now: START + 1 * MINUTE + 1, rows: [row(0), row(1)] };
    let push: ((candles: number[][]) => void) | undefined;
    const venue = Object.assign(stubVenue(state), {
      has: { watchOHLCV: true },
      watchOHLCV: () => new Promise<number[][]>((resolve) => (push = resolve)),
    }) as unknown as Exchange;
    // Ten minutes between polls: only the socket can make next() answer within the test's time.
    const feed = new ExchangeFeed({ exchange: venue, symbol: 'X/Y', timeframe: '1m', since: START, pollMs: 600_000 });
    expect((await feed.next())?.time).toBe(row(0)[0]);
    const pending = feed.next();
    while (!push) await new Promise((r) => setTimeout(r, 5));
    state.rows = [row(0), row(1), row(2)];
    state.now = START + 2 * MINUTE + 1;
    push([row(2)]);
    expect((await pending)?.time).toBe(row(1)[0]);
    await feed.close();
  });
});

describe('ExchangeFeed closed-bar rule (stub venue)', () => {
  const row = (i: number) => [START + i * MINUTE, 1, 2, 0.5, 1.5, 10];
  it('a bar is closed once the venue serves a later one or its close time passed the venue clock', async () => {
    const state = { now: START + 2 * MINUTE + 30_000, rows: [row(0), row(1), row(2)] };
    const feed = new ExchangeFeed({ exchange: stubVenue(state), symbol: 'X/Y', timeframe: '1m', since: START, pollMs: 5 });
    // Bar 2 opened at 2:00 and closes at 3:00; the clock says 2:30: bars 0 and 1 only.
    expect((await feed.history(START)).map((b) => b.time)).toEqual([row(0)[0], row(1)[0]]);
    // The last row alone, its close not reached: not closed even though the clock passed bar 1.
    state.rows = [row(2)];
    expect(await feed.history(START)).toEqual([]);
    // The clock reaches 3:00 exactly: bar 2 is closed.
    state.now = START + 3 * MINUTE;
    expect((await feed.history(START)).map((b) => b.time)).toEqual([row(2)[0]]);
  });

  it('never returns a bar twice when the venue answers with bars already given, and reports a hole', async () => {
    const state = { now: START + 3 * MINUTE, rows: [row(0), row(1), row(2)], ignoreSince: true };
    const notes: string[] = [];
    const feed = new ExchangeFeed({ exchange: stubVenue(state), symbol: 'X/Y', timeframe: '1m', since: START, pollMs: 5, onNote: (_l, m) => notes.push(m) });
    expect((await take(feed, 3)).map((b) => b.time)).toEqual([0, 1, 2].map((i) => row(i)[0]));
    state.rows = [row(0), row(1), row(2), row(5), row(6)];
    state.now = START + 7 * MINUTE;
    expect((await take(feed, 2)).map((b) => b.time)).toEqual([row(5)[0], row(6)[0]]);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/^stub has no X\/Y 1m bar from .* to .* \(excluded\)/);
    await feed.close();
  });
});
