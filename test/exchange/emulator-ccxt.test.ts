import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/exchange/emulator/index.js';
import { barsOf, binanceClient, readDemoCsv, type CsvBar } from './emulator-helpers.js';

// Every check goes through ccxt's real binance class: the emulator's answers are read by the client's own parser.
const rows = readDemoCsv();
const CLOSED = 1500;
let ccxt: any;

beforeAll(async () => {
  ccxt = await import('ccxt');
});

describe('market data through ccxt', () => {
  let emu: Emulator;
  let ex: any;
  beforeAll(async () => {
    emu = await startEmulator({ bars: barsOf(rows), symbol: 'BTC/USDT', timeframe: '1d', closedBars: CLOSED });
    ex = await binanceClient(emu);
    await ex.loadMarkets();
  });
  afterAll(() => emu.close());

  it('loadMarkets parses the filters served: tick 0.01 (2-decimal prices), step 0.0001 (prices in the thousands), min notional 5', () => {
    const m = ex.market('BTC/USDT');
    expect(m.id).toBe('BTCUSDT');
    expect([m.base, m.quote, m.spot, m.active]).toEqual(['BTC', 'USDT', true, true]);
    expect(m.precision.price).toBe(0.01);
    expect(m.precision.amount).toBe(0.0001);
    expect(m.limits.amount.min).toBe(0.0001);
    expect(m.limits.cost.min).toBe(5);
    expect(Object.keys(ex.markets)).toEqual(['BTC/USDT']);
  });

  it('fetchOHLCV pages across more than 1000 bars: every closed bar equals the file, the forming bar shows only its open', async () => {
    const all: number[][] = [];
    let since = rows[0].time;
    for (;;) {
      const page = await ex.fetchOHLCV('BTC/USDT', '1d', since, 1000);
      if (page.length === 0) break;
      all.push(...page);
      since = page[page.length - 1][0] + 1;
      if (page.length < 1000) break;
    }
    expect(all).toHaveLength(CLOSED + 1);
    for (let i = 0; i < CLOSED; i++) {
      const r = rows[i];
      expect(all[i]).toEqual([r.time, r.open, r.high, r.low, r.close, r.volume]);
    }
    const f = rows[CLOSED];
    expect(all[CLOSED]).toEqual([f.time, f.open, f.open, f.open, f.open, 0]);
  });

  it("ccxt's own pagination (paginate: true) and the default call (latest 500) agree with the file", async () => {
    const paged = await ex.fetchOHLCV('BTC/USDT', '1d', rows[0].time, undefined, { paginate: true, until: rows[CLOSED - 1].time });
    expect(paged.length).toBe(CLOSED);
    expect(paged.map((c: number[]) => c[0])).toEqual(rows.slice(0, CLOSED).map((r) => r.time));
    const latest = await ex.fetchOHLCV('BTC/USDT', '1d');
    expect(latest).toHaveLength(500);
    expect(latest[0][0]).toBe(rows[CLOSED - 499].time);
    expect(latest[499][0]).toBe(rows[CLOSED].time);
  });

  it('fetchOrderBook centres on the forming bar\'s open, one tick apart; fetchTicker\'s last is that open', async () => {
    const book = await ex.fetchOrderBook('BTC/USDT', 5);
    const open = rows[CLOSED].open;
    expect(book.bids).toHaveLength(5);
    expect(book.bids[0][0]).toBeCloseTo(open - 0.01, 8);
    expect(book.asks[0][0]).toBeCloseTo(open + 0.01, 8);
    expect(book.bids[1][0]).toBeCloseTo(open - 0.02, 8);
    const ticker = await ex.fetchTicker('BTC/USDT');
    expect(ticker.last).toBe(open);
    expect(ticker.symbol).toBe('BTC/USDT');
  });

  it('an interval other than the data\'s and an unknown symbol are refused with Binance\'s codes', async () => {
    await expect(ex.fetchOHLCV('BTC/USDT', '1h')).rejects.toThrow(ccxt.BadRequest);
    const res = await fetch(`${emu.url}/api/v3/klines?symbol=ETHUSDT&interval=1d`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: -1121, msg: 'Invalid symbol.' });
  });
});

describe('orders, fills and balances through ccxt', () => {
  let emu: Emulator;
  let ex: any;
  beforeAll(async () => {
    emu = await startEmulator({ bars: barsOf(rows), symbol: 'BTC/USDT', timeframe: '1d', closedBars: CLOSED, balances: { USDT: 100_000 } });
    ex = await binanceClient(emu);
    await ex.loadMarkets();
  });
  afterAll(() => emu.close());

  it('fetchBalance shows the starting balances', async () => {
    const balance = await ex.fetchBalance();
    expect(balance.USDT).toMatchObject({ free: 100_000, used: 0, total: 100_000 });
    expect(balance.BTC).toMatchObject({ free: 0, used: 0, total: 0 });
  });

  it('a market buy fills at the forming bar\'s open, pays 0.1% of its cost in USDT, and moves the balances by hand-worked amounts', async () => {
    const open = rows[CLOSED].open;
    const order = await ex.createOrder('BTC/USDT', 'market', 'buy', 0.5);
    expect(order.status).toBe('closed');
    expect(order.filled).toBe(0.5);
    expect(order.average).toBe(open);
    const cost = 0.5 * open;
    expect(order.cost).toBeCloseTo(cost, 8);
    expect(order.fee).toEqual({ currency: 'USDT', cost: Number((cost * 0.001).toFixed(8)) });
    expect(order.timestamp).toBe(rows[CLOSED].time);
    const balance = await ex.fetchBalance();
    expect(balance.BTC.free).toBe(0.5);
    expect(balance.USDT.free).toBeCloseTo(100_000 - cost * 1.001, 6);
    const fetched = await ex.fetchOrder(order.id, 'BTC/USDT');
    expect([fetched.status, fetched.filled, fetched.average]).toEqual(['closed', 0.5, open]);
  });

  it('a limit buy below the price rests (USDT locked), fills when a closed bar\'s low reaches it, at the price or at an open through it', async () => {
    const start = emu.closedBars;
    const price = Number((rows[start].open * 0.97).toFixed(2));
    const order = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.2, price);
    expect(order.status).toBe('open');
    const locked = (await ex.fetchBalance()).USDT.used;
    expect(locked).toBeCloseTo(0.2 * price * 1.001, 6);
    const open = await ex.fetchOpenOrders('BTC/USDT');
    expect(open.map((o: any) => o.id)).toEqual([order.id]);
    // Reference: the first bar from the one it was placed in whose low reaches the price.
    let b = start;
    while (rows[b].low > price) b++;
    const expected = b > start && rows[b].open <= price ? rows[b].open : price;
    emu.advance(b - start);
    expect((await ex.fetchOrder(order.id, 'BTC/USDT')).status).toBe('open');
    emu.advance(1);
    const filled = await ex.fetchOrder(order.id, 'BTC/USDT');
    expect([filled.status, filled.filled, filled.average]).toEqual(['closed', 0.2, expected]);
    const trades = await ex.fetchMyTrades('BTC/USDT', undefined, undefined, { orderId: order.id });
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({ order: order.id, side: 'buy', price: expected, amount: 0.2, takerOrMaker: 'maker', timestamp: rows[b].time });
    expect((await ex.fetchBalance()).USDT.used).toBeCloseTo(0, 8);
  });

  it('cancelOrder cancels a resting order and frees its balance; cancelling it again is OrderNotFound', async () => {
    const price = Number((rows[emu.closedBars].open * 0.5).toFixed(2));
    const order = await ex.createOrder('BTC/USDT', 'limit', 'buy', 0.1, price);
    const cancelled = await ex.cancelOrder(order.id, 'BTC/USDT');
    expect(cancelled.status).toBe('canceled');
    expect((await ex.fetchBalance()).USDT.used).toBeCloseTo(0, 8);
    expect(await ex.fetchOpenOrders('BTC/USDT')).toEqual([]);
    await expect(ex.cancelOrder(order.id, 'BTC/USDT')).rejects.toThrow(ccxt.OrderNotFound);
    await expect(ex.fetchOrder('999999', 'BTC/USDT')).rejects.toThrow(ccxt.OrderNotFound);
  });

  it('a limit sell above the price fills at the price when a high reaches it', async () => {
    const start = emu.closedBars;
    const price = Number((rows[start].open * 1.02).toFixed(2));
    const order = await ex.createOrder('BTC/USDT', 'limit', 'sell', 0.1, price);
    expect((await ex.fetchBalance()).BTC.used).toBeCloseTo(0.1, 10);
    let b = start;
    while (rows[b].high < price) b++;
    emu.advance(b - start + 1);
    const filled = await ex.fetchOrder(order.id, 'BTC/USDT');
    expect(filled.status).toBe('closed');
    expect(filled.average).toBe(b > start && rows[b].open >= price ? rows[b].open : price);
  });

  it('a LOT_SIZE violation is InvalidOrder, a NOTIONAL one BadRequest (as ccxt classifies Binance\'s -1013), too little balance InsufficientFunds', async () => {
    await expect(ex.createOrder('BTC/USDT', 'market', 'buy', 9_000_001)).rejects.toThrow(ccxt.InvalidOrder);
    const notional = ex.createOrder('BTC/USDT', 'market', 'buy', 0.0001);
    await expect(notional).rejects.toThrow(ccxt.BadRequest);
    await expect(notional).rejects.toThrow(/Filter failure: NOTIONAL/);
    await expect(ex.createOrder('BTC/USDT', 'market', 'sell', 100)).rejects.toThrow(ccxt.InsufficientFunds);
    await expect(ex.createOrder('BTC/USDT', 'limit', 'buy', 0.001, 1_000_000_000)).rejects.toThrow(ccxt.InvalidOrder);
  });

  it('GET /rrr/state and POST /rrr/advance speak for other processes', async () => {
    const before = emu.closedBars;
    const res = await fetch(`${emu.url}/rrr/advance?bars=2`, { method: 'POST' });
    expect(await res.json()).toEqual({ closedBars: before + 2, formingBarTime: rows[before + 2].time });
    const state: any = await (await fetch(`${emu.url}/rrr/state`)).json();
    expect(state.closedBars).toBe(before + 2);
    expect(state.trades.length).toBe((await ex.fetchMyTrades('BTC/USDT')).length);
    expect(state.balances.BTC.free).toBeCloseTo((await ex.fetchBalance()).BTC.free, 10);
    const bad = await fetch(`${emu.url}/rrr/advance?bars=100000`, { method: 'POST' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error).toMatch(/bars are left to close/);
  });
});

/** Ten bars with volume 10: at volumeShare 0.1 each bar fills at most 1 unit. */
function thinBars(): CsvBar[] {
  return Array.from({ length: 10 }, (_, i) => ({ time: Date.UTC(2024, 0, 1, i), open: 100, high: 101, low: 99, close: 100, volume: 10 }));
}

describe('partial fills through ccxt', () => {
  let emu: Emulator;
  let ex: any;
  beforeAll(async () => {
    emu = await startEmulator({ bars: barsOf(thinBars(), '1h'), symbol: 'ETH/USDT', timeframe: '1h', closedBars: 2, filters: { stepSize: 0.1, tickSize: 0.5 } });
    ex = await binanceClient(emu);
    await ex.loadMarkets();
  });
  afterAll(() => emu.close());

  it('a resting limit buy for 2.5 fills 1 per bar (10% of 10), visible through fetchOrder, and completes on the third bar', async () => {
    const order = await ex.createOrder('ETH/USDT', 'limit', 'buy', 2.5, 99.5);
    expect(order.status).toBe('open');
    const seen: Array<[string, number, number]> = [];
    for (let k = 0; k < 3; k++) {
      emu.advance(1);
      const o = await ex.fetchOrder(order.id, 'ETH/USDT');
      seen.push([o.status, o.filled, o.remaining]);
    }
    expect(seen).toEqual([
      ['open', 1, 1.5],
      ['open', 2, 0.5],
      ['closed', 2.5, 0],
    ]);
    expect((await ex.fetchOrder(order.id, 'ETH/USDT')).info.status).toBe('FILLED');
    const trades = await ex.fetchMyTrades('ETH/USDT');
    expect(trades.map((t: any) => [t.amount, t.price])).toEqual([[1, 99.5], [1, 99.5], [0.5, 99.5]]);
  });

  it('a market buy larger than a bar can fill fills 1 at the open and expires the rest', async () => {
    const order = await ex.createOrder('ETH/USDT', 'market', 'buy', 3);
    expect([order.status, order.filled, order.remaining, order.average]).toEqual(['expired', 1, 2, 100]);
  });
});

describe('authentication and faults through ccxt', () => {
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startEmulator({ bars: barsOf(rows.slice(0, 50)), symbol: 'BTC/USDT', timeframe: '1d' });
  });
  afterAll(() => emu.close());

  it('a wrong secret is AuthenticationError (-1022), a wrong key AuthenticationError (-2015), an old timestamp InvalidNonce (-1021)', async () => {
    const badSecret = await binanceClient({ ...emu, secret: 'not-the-secret' }, { options: { fetchCurrencies: false, fetchMargins: false } });
    await expect(badSecret.fetchBalance()).rejects.toThrow(ccxt.AuthenticationError);
    await expect(badSecret.fetchBalance()).rejects.toThrow(/-1022/);
    const badKey = await binanceClient({ ...emu, apiKey: 'someone-else' }, { options: { fetchCurrencies: false, fetchMargins: false } });
    await expect(badKey.fetchBalance()).rejects.toThrow(/-2015/);
    const late = await binanceClient(emu, { options: { fetchCurrencies: false, fetchMargins: false } });
    late.options.timeDifference = 70_000;
    await expect(late.fetchBalance()).rejects.toThrow(ccxt.InvalidNonce);
    late.options.timeDifference = 0;
    expect((await late.fetchBalance()).USDT.free).toBe(10_000);
  });

  it('429 and 418 are DDoSProtection with Retry-After, 5xx ExchangeNotAvailable, a timeout RequestTimeout, a dropped connection NetworkError', async () => {
    const ex = await binanceClient(emu, { timeout: 1500 });
    await ex.loadMarkets();
    emu.injectFault({ kind: 'rate-limit', retryAfter: 7 });
    await expect(ex.fetchTicker('BTC/USDT')).rejects.toThrow(ccxt.DDoSProtection);
    emu.injectFault({ kind: 'ban' });
    await expect(ex.fetchTicker('BTC/USDT')).rejects.toThrow(/418/);
    emu.injectFault({ kind: 'server-error', status: 502 });
    await expect(ex.fetchTicker('BTC/USDT')).rejects.toThrow(ccxt.ExchangeNotAvailable);
    emu.injectFault({ kind: 'timeout' });
    await expect(ex.fetchTicker('BTC/USDT')).rejects.toThrow(ccxt.RequestTimeout);
    emu.injectFault({ kind: 'drop' });
    await expect(ex.fetchTicker('BTC/USDT')).rejects.toThrow(ccxt.NetworkError);
    expect((await ex.fetchTicker('BTC/USDT')).last).toBe(rows[49].open);
  });

  it('a fault can target one path for N requests, and is injected over HTTP by other processes; Retry-After is sent', async () => {
    const ex = await binanceClient(emu);
    await ex.loadMarkets();
    const res = await fetch(`${emu.url}/rrr/fault`, { method: 'POST', body: JSON.stringify({ kind: 'rate-limit', path: '/api/v3/order', count: 2, retryAfter: 3 }) });
    expect(res.status).toBe(200);
    expect((await ex.fetchBalance()).USDT.free).toBe(10_000);
    await expect(ex.createOrder('BTC/USDT', 'market', 'buy', 0.01)).rejects.toThrow(ccxt.DDoSProtection);
    const raw = await fetch(`${emu.url}/api/v3/order`, { method: 'POST' });
    expect([raw.status, raw.headers.get('retry-after')]).toEqual([429, '3']);
    expect(((await raw.json()) as any).code).toBe(-1003);
    expect((await ex.createOrder('BTC/USDT', 'market', 'buy', 0.01)).status).toBe('closed');
    const bad = await fetch(`${emu.url}/rrr/fault`, { method: 'POST', body: JSON.stringify({ kind: 'meteor' }) });
    expect([bad.status, ((await bad.json()) as any).error]).toEqual([400, 'Unknown fault kind "meteor": use rate-limit, ban, server-error, timeout, drop.']);
  });
});
