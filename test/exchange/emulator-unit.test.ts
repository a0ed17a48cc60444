import { afterEach, describe, expect, it, vi } from 'vitest';
import { deriveFilters } from '../../src/exchange/emulator/filters.js';
import { Market } from '../../src/exchange/emulator/matching.js';
import { BinanceError, checkSigned } from '../../src/exchange/emulator/signing.js';
import { startEmulator } from '../../src/exchange/emulator/index.js';
import { barsOf, readDemoCsv, type CsvBar } from './emulator-helpers.js';

describe('signatures, as Binance documents them', () => {
  // The worked example of Binance's API docs ("SIGNED Endpoint Examples for POST /api/v3/order"): published key,
  // secret, query and signature.
  const credentials = { apiKey: 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A', secret: 'NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j' };
  const query = 'symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559';
  const signature = 'c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71';
  const check = (rawQuery: string, rawBody: string, now = 1499827319559 + 100, apiKey: string | null = credentials.apiKey) => {
    try {
      checkSigned({ apiKey: apiKey ?? undefined, rawQuery, rawBody, params: new URLSearchParams(`${rawQuery}&${rawBody}`) }, credentials, now);
      return 'ok';
    } catch (error) {
      return (error as BinanceError).code;
    }
  };

  it('accepts the published signature in the query, in the body, or split between them (query then body)', () => {
    expect(check(`${query}&signature=${signature}`, '')).toBe('ok');
    expect(check('', `${query}&signature=${signature}`)).toBe('ok');
    // Binance's example 3: "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC" in the query, the rest in the body.
    expect(check('symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC', `quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77`)).toBe('ok');
  });

  it('refuses a changed parameter (-1022), a wrong or missing key (-2015, -2014), a stale or early timestamp (-1021)', () => {
    expect(check(`${query.replace('quantity=1', 'quantity=2')}&signature=${signature}`, '')).toBe(-1022);
    expect(check(`${query}&signature=${signature}`, '', undefined, 'another-key')).toBe(-2015);
    expect(check(`${query}&signature=${signature}`, '', undefined, null)).toBe(-2014);
    expect(check(`${query}&signature=${signature}`, '', 1499827319559 + 5001)).toBe(-1021);
    expect(check(`${query}&signature=${signature}`, '', 1499827319559 + 5000)).toBe('ok');
    expect(check(`${query}&signature=${signature}`, '', 1499827319559 - 1000)).toBe(-1021);
  });
});

describe('filters derived from the data', () => {
  it('demo-a (2-decimal prices in the thousands): tick 0.01, step 0.0001, min notional 5', () => {
    const f = deriveFilters(barsOf(readDemoCsv()));
    expect([f.tickSize, f.stepSize, f.minQty, f.minNotional]).toEqual([0.01, 0.0001, 0.0001, 5]);
  });
  it('prices near 0.5 with 5 decimals: tick 0.00001, step 1', () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ time: i * 60_000, open: 0.51234, high: 0.6, low: 0.4, close: 0.5, volume: 1 }));
    const f = deriveFilters(barsOf(rows, '1m'));
    expect([f.tickSize, f.stepSize]).toEqual([0.00001, 1]);
  });
});

function market(rows: CsvBar[], volumeShare = 0.1): Market {
  return new Market(barsOf(rows, '1h'), 'ETH', 'USDT', deriveFilters(barsOf(rows, '1h'), { stepSize: 0.1, tickSize: 0.5 }), 0.001, volumeShare, 3_600_000, 1, { USDT: 10_000 });
}
const flat = (n: number, volume = 10): CsvBar[] => Array.from({ length: n }, (_, i) => ({ time: i * 3_600_000, open: 100, high: 101, low: 99, close: 100, volume }));

describe('matching', () => {
  it('a bar\'s volume budget is shared by resting orders in time priority', () => {
    const m = market(flat(6));
    const a = m.place({ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: 1, price: 99.5, clientOrderId: 'a' }).order;
    const b = m.place({ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: 1, price: 99.5, clientOrderId: 'b' }).order;
    m.closeBar();
    expect([a.status, a.executedQty, b.status, b.executedQty]).toEqual(['FILLED', 1, 'NEW', 0]);
    m.closeBar();
    expect([b.status, b.executedQty]).toEqual(['FILLED', 1]);
    // Hand-worked: two buys of 1 at 99.5 plus 0.1% commission each.
    expect(m.balances.get('USDT')!.free).toBeCloseTo(10_000 - 2 * 99.5 * 1.001, 8);
    expect(m.balances.get('USDT')!.locked).toBeCloseTo(0, 8);
    expect(m.balances.get('ETH')!.free).toBe(2);
  });

  it('a resting buy fills at the open of a bar that opens through its price; a sell pays commission in USDT', () => {
    const rows = flat(5, 1000);
    rows[2] = { ...rows[2], open: 95, high: 96, low: 94, close: 95 };
    const m = market(rows);
    const buy = m.place({ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: 2, price: 98, clientOrderId: 'x' }).order;
    m.closeBar();
    expect(buy.status).toBe('NEW');
    m.closeBar();
    expect([buy.status, buy.cumQuote]).toEqual(['FILLED', 190]);
    const sell = m.place({ side: 'SELL', type: 'MARKET', quantity: 2, clientOrderId: 'y' });
    expect(sell.fills.map((t) => [t.price, t.qty, t.commission])).toEqual([[100, 2, 0.2]]);
    expect(m.balances.get('USDT')!.free).toBeCloseTo(10_000 - 190 * 1.001 + 200 - 0.2, 8);
  });

  it('post-only that would take is refused; IOC keeps what fills and expires the rest; FOK that cannot fill whole expires unfilled', () => {
    const m = market(flat(5));
    expect(() => m.place({ side: 'BUY', type: 'LIMIT_MAKER', quantity: 1, price: 100, clientOrderId: 'p' })).toThrow('Order would immediately match and take.');
    const ioc = m.place({ side: 'BUY', type: 'LIMIT', timeInForce: 'IOC', quantity: 1.5, price: 100, clientOrderId: 'i' }).order;
    expect([ioc.status, ioc.executedQty]).toEqual(['EXPIRED', 1]);
    const fok = m.place({ side: 'BUY', type: 'LIMIT', timeInForce: 'FOK', quantity: 1.5, price: 100, clientOrderId: 'f' }).order;
    expect([fok.status, fok.executedQty]).toEqual(['EXPIRED', 0]);
    expect(m.balances.get('USDT')!.locked).toBeCloseTo(0, 8);
    expect(() => m.place({ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: 0.05, price: 100, clientOrderId: 'l' })).toThrow('Filter failure: LOT_SIZE');
    expect(() => m.place({ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: 1, price: 99.3, clientOrderId: 't' })).toThrow('Filter failure: PRICE_FILTER');
  });

  it('a duplicate client order id of an open order is refused; after the last bar the market is closed', () => {
    const m = market(flat(2));
    m.place({ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: 1, price: 90, clientOrderId: 'same' });
    expect(() => m.place({ side: 'BUY', type: 'LIMIT', timeInForce: 'GTC', quantity: 1, price: 90, clientOrderId: 'same' })).toThrow('Duplicate order sent.');
    m.closeBar();
    expect(() => m.place({ side: 'BUY', type: 'MARKET', quantity: 1, clientOrderId: 'late' })).toThrow('Market is closed.');
  });
});

describe('startEmulator', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses an interval Binance lacks and an impossible closedBars, naming what is accepted', async () => {
    const bars = barsOf(flat(3), '1h');
    await expect(startEmulator({ bars, symbol: 'ETH/USDT', timeframe: '2d' })).rejects.toThrow('Binance has no 2d klines: use one of 1s, 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w, 1mo.');
    await expect(startEmulator({ bars, symbol: 'ETH/USDT', timeframe: '1h', closedBars: 4 })).rejects.toThrow('closedBars must be a whole number from 0 to 3');
  });

  it('with speed N closes N bars per second of the (faked) clock, and stops at the last bar', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const emu = await startEmulator({ bars: barsOf(flat(20), '1h'), symbol: 'ETH/USDT', timeframe: '1h', closedBars: 0, speed: 4 });
    try {
      vi.advanceTimersByTime(1000);
      expect(emu.closedBars).toBe(4);
      vi.advanceTimersByTime(2500);
      expect(emu.closedBars).toBe(14);
      vi.advanceTimersByTime(10_000);
      expect(emu.closedBars).toBe(20);
    } finally {
      await emu.close();
    }
  });
});
