/**
 * Hand-worked cases of the simulation semantics (docs/simulation.md). Bars are [open, high, low, close];
 * cash is 1000 and costs are 0 unless a case says otherwise. Every expected number is worked out in a comment.
 */
import { describe, expect, it } from 'vitest';
import {
  REASON_END_OF_DATA,
  REASON_ENTRY,
  REASON_MAX_HOLD,
  REASON_REVERSE,
  REASON_SIGNAL,
  REASON_STOP_LOSS,
  REASON_TAKE_PROFIT,
  REASON_TRAILING_STOP,
  simulate,
} from '../../src/engine/index.js';
import { barsOf, ones } from './helpers.js';

const CLOSE = { fill: 'close', cash: 1000 } as const;
const OPEN = { fill: 'open', cash: 1000 } as const;
const arr = (a: ArrayLike<number>) => Array.from(a);
const close6 = (xs: ArrayLike<number>) => arr(xs).map((x) => Math.round(x * 1e6) / 1e6);

describe('fill timing', () => {
  const bars = barsOf([
    [100, 101, 99, 100],
    [102, 104, 101, 103],
    [104, 106, 103, 105],
    [106, 107, 104, 104],
  ]);
  const sig = { entries: ones(4, [0]), exits: ones(4, [2]) };

  it("fill 'close': the signal bar's own close", () => {
    // buy 1000/100 = 10 units at close[0]; sell at close[2] = 105 -> cash 1050
    const r = simulate(bars, sig, CLOSE);
    expect(arr(r.position)).toEqual([10, 10, 0, 0]);
    expect(arr(r.equity)).toEqual([1000, 1030, 1050, 1050]);
    expect(arr(r.orders.bar)).toEqual([0, 2]);
    expect(arr(r.orders.price)).toEqual([100, 105]);
  });

  it("fill 'open' (default): the next bar's open", () => {
    // buy 1000/102 units at open[1] = 102; sell at open[3] = 106 -> 1000 x 106/102 = 1039.215686
    const r = simulate(bars, sig, { cash: 1000 });
    const u = 1000 / 102;
    expect(arr(r.orders.bar)).toEqual([1, 3]);
    expect(arr(r.orders.price)).toEqual([102, 106]);
    expect(r.equity[0]).toBe(1000);
    expect(r.equity[1]).toBeCloseTo(u * 103, 9); // 1009.803922
    expect(r.equity[2]).toBeCloseTo(u * 105, 9); // 1029.411765
    expect(r.equity[3]).toBeCloseTo(1039.215686, 6);
    expect(arr(r.position).map((p) => p > 0)).toEqual([false, true, true, false]);
  });

  it("a signal on the last bar: not filled with fill 'open', filled at its close with fill 'close'", () => {
    const last = { entries: ones(4, [3]) };
    const o = simulate(bars, last, OPEN);
    expect(o.orders.count).toBe(0);
    expect(o.trades.count).toBe(0);
    expect(o.finalEquity).toBe(1000);
    const c = simulate(bars, last, CLOSE);
    expect(c.orders.count).toBe(1);
    expect(c.orders.price[0]).toBe(104);
    expect(c.position[3]).toBeCloseTo(1000 / 104, 12);
  });

  it('an entry and an exit on the same bar cancel (flat stays flat)', () => {
    const r = simulate(bars, { entries: ones(4, [0, 1]), exits: ones(4, [0]) }, CLOSE);
    // bar 0 conflicts -> nothing; bar 1 enters at 103
    expect(arr(r.orders.bar)).toEqual([1]);
    expect(r.orders.price[0]).toBe(103);
  });
});

describe('stop-loss and take-profit', () => {
  // entry at close[0] = 100 -> 10 units; levels relative to the fill price 100
  const run = (rows: Array<[number, number, number, number]>, extra: object) =>
    simulate(barsOf([[100, 100, 100, 100], ...rows]), { entries: ones(rows.length + 1, [0]) }, { ...CLOSE, ...extra });
  const SL5 = { stopLoss: { kind: 'pct', value: 0.05 } } as const;

  it('a stop inside the range fills at the level', () => {
    // stop = 100 x 0.95 = 95; bar 1 low 97 > 95; bar 2 opens 97 > 95, low 94 <= 95 -> sell 10 at 95
    const r = run(
      [
        [99, 100, 97, 98],
        [97, 98, 94, 96],
      ],
      SL5,
    );
    expect(arr(r.equity)).toEqual([1000, 980, 950]);
    expect(r.orders.price[1]).toBe(95);
    expect(r.orders.reason[1]).toBe(REASON_STOP_LOSS);
    expect(r.trades.exitReason[0]).toBe(REASON_STOP_LOSS);
    expect(r.trades.pnl[0]).toBe(-50);
    expect(r.trades.returnPct[0]).toBe(-5);
  });

  it('a bar that gaps through the stop fills at its open', () => {
    // bar 1 opens at 93 <= 95 -> sell 10 at 93 -> 930
    const r = run([[93, 94, 92, 93]], SL5);
    expect(r.orders.price[1]).toBe(93);
    expect(r.finalEquity).toBe(930);
    expect(r.trades.exitReason[0]).toBe(REASON_STOP_LOSS);
  });

  it('take-profit at the level, and at the open when the bar gaps beyond it', () => {
    const TP10 = { takeProfit: { kind: 'pct', value: 0.1 } } as const;
    // target 110: bar 1 high 111 -> sell at 110 -> 1100
    const a = run([[104, 111, 103, 108]], TP10);
    expect(a.orders.price[1]).toBeCloseTo(110, 12); // 100 x (1 + 0.1) = 110.00000000000001 in binary
    expect(a.finalEquity).toBeCloseTo(1100, 9);
    expect(a.trades.exitReason[0]).toBe(REASON_TAKE_PROFIT);
    // bar 1 opens at 112 >= 110 -> sell at the open 112 -> 1120
    const b = run([[112, 115, 111, 113]], TP10);
    expect(b.orders.price[1]).toBe(112);
    expect(b.finalEquity).toBe(1120);
  });

  it('both levels inside one bar: stop first by default, target first with stopFirst false', () => {
    const both = { stopLoss: { kind: 'pct', value: 0.05 }, takeProfit: { kind: 'pct', value: 0.05 } } as const;
    // stop 95, target 105, bar 1 range 94..106 contains both
    const rows: Array<[number, number, number, number]> = [[100, 106, 94, 100]];
    const s = run(rows, both);
    expect(s.finalEquity).toBe(950);
    expect(s.trades.exitReason[0]).toBe(REASON_STOP_LOSS);
    const t = run(rows, { ...both, stopFirst: false });
    expect(t.finalEquity).toBe(1050);
    expect(t.trades.exitReason[0]).toBe(REASON_TAKE_PROFIT);
  });

  it('short stops mirror: stop above, target below the fill', () => {
    // short 10 at close[0] = 100 -> cash 2000; stop 105, target 90
    const bars = barsOf([
      [100, 100, 100, 100],
      [101, 104, 99, 103],
      [103, 106, 102, 104],
    ]);
    const sig = { shortEntries: ones(3, [0]) };
    const r = simulate(bars, sig, { ...CLOSE, direction: 'short', stopLoss: { kind: 'pct', value: 0.05 }, takeProfit: { kind: 'pct', value: 0.1 } });
    // bar 1 high 104 < 105; bar 2 high 106 >= 105 -> buy back 10 at 105 -> 2000 - 1050 = 950
    expect(arr(r.equity)).toEqual([1000, 970, 950]);
    expect(r.trades.size[0]).toBe(-10);
    expect(r.trades.direction[0]).toBe(-1);
    expect(r.trades.pnl[0]).toBe(-50);
  });

  it('ATR stop: distance = multiple x Wilder ATR at the signal bar; no entry before ATR is defined', () => {
    // TR1 = max(12-10, |12-10|, |10-10|) = 2, TR2 = max(2, 1, 1) = 2 -> ATR[2] = 2;
    // TR3 = max(3, |14-11|, |11-11|) = 3 -> ATR[3] = (2 x 1 + 3) / 2 = 2.5
    const bars = barsOf([
      [10, 11, 9, 10],
      [10, 12, 10, 11],
      [11, 12, 10, 11],
      [11, 14, 11, 13],
      [12, 12.5, 10, 11],
    ]);
    const stopLoss = { kind: 'atr', multiple: 1, period: 2 } as const;
    // entry at close[3] = 13, stop = 13 - 2.5 = 10.5; bar 4 low 10 -> sell at 10.5 -> 1000 / 13 x 10.5
    const r = simulate(bars, { entries: ones(5, [3]) }, { ...CLOSE, stopLoss });
    expect(r.orders.price[1]).toBe(10.5);
    expect(r.finalEquity).toBeCloseTo((1000 / 13) * 10.5, 9); // 807.692308
    // signal at bar 1: ATR(2) is not defined until bar 2 -> the entry is not taken
    const early = simulate(bars, { entries: ones(5, [1]) }, { ...CLOSE, stopLoss });
    expect(early.orders.count).toBe(0);
  });
});

describe('trailing stop', () => {
  const TR10 = { trailingStop: { kind: 'pct', value: 0.1 } } as const;
  const sig = (n: number) => ({ entries: ones(n, [0]) });

  it('moves with the highest high and fills at its level', () => {
    // fill 100, extreme 100 -> level 90. bar 1: low 99 > 90, then extreme = 120 -> level 108.
    // bar 2: opens 115 > 108, low 107 <= 108 -> sell at 108 -> 1080
    const bars = barsOf([
      [100, 100, 100, 100],
      [100, 120, 99, 115],
      [115, 116, 107, 110],
    ]);
    const r = simulate(bars, sig(3), { ...CLOSE, ...TR10 });
    expect(r.orders.price[1]).toBe(108);
    expect(r.finalEquity).toBe(1080);
    expect(r.trades.exitReason[0]).toBe(REASON_TRAILING_STOP);
  });

  it("is updated only after the bar's own check", () => {
    // bar 1 makes the new high 120 and its low 105 is below the new level 108, but the bar is checked against
    // the level before its high (90): no exit. bar 2 opens at 106 <= 108 -> gap fill at 106 -> 1060
    const bars = barsOf([
      [100, 100, 100, 100],
      [100, 120, 105, 106],
      [106, 107, 100, 101],
    ]);
    const r = simulate(bars, sig(3), { ...CLOSE, ...TR10 });
    expect(r.position[1]).toBe(10);
    expect(arr(r.orders.bar)).toEqual([0, 2]);
    expect(r.orders.price[1]).toBe(106);
    expect(r.finalEquity).toBe(1060);
  });

  it('the tighter of stop-loss and trailing stop applies, named by which one it was', () => {
    // stop-loss 5% -> 95; trailing 10% -> 90 at first: bar 1 low 94 hits the stop-loss at 95
    const bars = barsOf([
      [100, 100, 100, 100],
      [99, 100, 94, 96],
    ]);
    const r = simulate(bars, sig(2), { ...CLOSE, ...TR10, stopLoss: { kind: 'pct', value: 0.05 } });
    expect(r.orders.price[1]).toBe(95);
    expect(r.trades.exitReason[0]).toBe(REASON_STOP_LOSS);
  });

  it('short: level = lowest low x (1 + value)', () => {
    // short at 100 -> cash 2000; bar 1 checks level 110 (high 101 ok), then lowest low 80 -> level 88;
    // bar 2 opens 85 < 88, high 90 >= 88 -> buy back at 88 -> 2000 - 880 = 1120
    const bars = barsOf([
      [100, 100, 100, 100],
      [100, 101, 80, 84],
      [85, 90, 84, 89],
    ]);
    const r = simulate(bars, { shortEntries: ones(3, [0]) }, { ...CLOSE, direction: 'short', ...TR10 });
    expect(r.orders.price[1]).toBe(88);
    expect(r.finalEquity).toBe(1120);
  });
});

describe('the entry bar', () => {
  const SL5 = { stopLoss: { kind: 'pct', value: 0.05 } } as const;
  it("is checked when the fill was at its open (the rest of its range came after the fill)", () => {
    // signal bar 0 -> buy 10 at open[1] = 100; stop 95; bar 1's low 94 -> sell at 95 on the same bar
    const bars = barsOf([
      [100, 100, 100, 100],
      [100, 101, 94, 100],
      [100, 101, 99, 100],
    ]);
    const r = simulate(bars, { entries: ones(3, [0]) }, { ...OPEN, ...SL5 });
    expect(arr(r.orders.bar)).toEqual([1, 1]);
    expect(arr(r.orders.price)).toEqual([100, 95]);
    expect(arr(r.position)).toEqual([0, 0, 0]);
    expect(r.finalEquity).toBe(950);
  });

  it('is not checked when the fill was at its close (its range came before the fill)', () => {
    // buy 10 at close[1] = 100 although bar 1's low was 94; bar 2 low 99 > 95: still holding
    const bars = barsOf([
      [100, 100, 100, 100],
      [100, 101, 94, 100],
      [100, 101, 99, 100],
    ]);
    const r = simulate(bars, { entries: ones(3, [1]) }, { ...CLOSE, ...SL5 });
    expect(r.orders.count).toBe(1);
    expect(arr(r.position)).toEqual([0, 10, 10]);
  });

  it("a stop exit on bar t and an entry signal on bar t: re-entry at t+1's open ('open') or t's close ('close')", () => {
    const bars = barsOf([
      [100, 100, 100, 100],
      [100, 101, 94, 96],
      [97, 98, 96, 97],
    ]);
    const sig = { entries: ones(3, [0, 1]) };
    // close: buy at 100, stopped at 95 on bar 1 (-> 950), re-buy at close[1] = 96: 950 / 96 units
    const c = simulate(bars, sig, { ...CLOSE, ...SL5 });
    expect(arr(c.orders.bar)).toEqual([0, 1, 1]);
    expect(arr(c.orders.price)).toEqual([100, 95, 96]);
    expect(c.position[2]).toBeCloseTo(950 / 96, 12);
    // open: buy at open[1] = 100, stopped at 95 on bar 1; the entry signal of bar 1 fills at open[2] = 97
    const o = simulate(bars, sig, { ...OPEN, ...SL5 });
    expect(arr(o.orders.bar)).toEqual([1, 1, 2]);
    expect(arr(o.orders.price)).toEqual([100, 95, 97]);
  });
});

describe('max hold', () => {
  const bars = barsOf([
    [100, 100, 100, 100],
    [101, 102, 100, 102],
    [103, 104, 102, 104],
    [105, 106, 104, 106],
    [107, 108, 106, 108],
  ]);
  const sig = { entries: ones(5, [0]) };

  it("fill 'open': exits at the open of bar entry + N", () => {
    // buy at open[1] = 101 (entry bar 1), maxHold 2 -> sell at open[3] = 105 -> 1000 x 105 / 101
    const r = simulate(bars, sig, { ...OPEN, maxHold: 2 });
    expect(arr(r.orders.bar)).toEqual([1, 3]);
    expect(r.trades.entryBar[0]).toBe(1);
    expect(r.trades.exitBar[0]).toBe(3);
    expect(r.trades.exitReason[0]).toBe(REASON_MAX_HOLD);
    expect(r.finalEquity).toBeCloseTo((1000 * 105) / 101, 9); // 1039.603960
  });

  it("fill 'close': exits at the close of bar entry + N", () => {
    // buy 10 at close[0] = 100, sell at close[2] = 104 -> 1040
    const r = simulate(bars, sig, { ...CLOSE, maxHold: 2 });
    expect(arr(r.orders.bar)).toEqual([0, 2]);
    expect(r.orders.reason[1]).toBe(REASON_MAX_HOLD);
    expect(r.finalEquity).toBe(1040);
  });
});

describe('direction', () => {
  const bars = barsOf([
    [100, 100, 100, 100],
    [110, 110, 110, 110],
    [99, 99, 99, 99],
    [95, 95, 95, 95],
  ]);

  it("'both': an opposite entry closes the position and opens the other side at the same fill", () => {
    // long 10 at 100; short entry at bar 1: sell 10 at 110 (cash 1100, reason reverse), then short
    // 1100 / 110 = 10 units (cash 2200); bar 2 equity = 2200 - 10 x 99 = 1210; short exit at bar 2 -> 1210
    const r = simulate(
      bars,
      { entries: ones(4, [0]), shortEntries: ones(4, [1]), shortExits: ones(4, [2]) },
      { ...CLOSE, direction: 'both' },
    );
    expect(arr(r.orders.bar)).toEqual([0, 1, 1, 2]);
    expect(arr(r.orders.side)).toEqual([1, -1, -1, 1]);
    expect(arr(r.orders.reason)).toEqual([REASON_ENTRY, REASON_REVERSE, REASON_ENTRY, REASON_SIGNAL]);
    expect(arr(r.position)).toEqual([10, -10, 0, 0]);
    expect(arr(r.cash)).toEqual([0, 2200, 1210, 1210]);
    expect(arr(r.equity)).toEqual([1000, 1100, 1210, 1210]);
    expect(arr(r.trades.exitReason)).toEqual([REASON_REVERSE, REASON_SIGNAL]);
    expect(arr(r.trades.pnl)).toEqual([100, 110]);
  });

  it('short P&L: proceeds raise cash, equity = cash + (negative) position x close', () => {
    // short 10 at 100 -> cash 2000; bar 1: 2000 - 1100 = 900; cover at bar 2's 99 -> 2000 - 990 = 1010
    const r = simulate(bars, { shortEntries: ones(4, [0]), shortExits: ones(4, [2]) }, { ...CLOSE, direction: 'short' });
    expect(arr(r.cash)).toEqual([2000, 2000, 1010, 1010]);
    expect(arr(r.equity)).toEqual([1000, 900, 1010, 1010]);
    expect(r.trades.pnl[0]).toBe(10);
    expect(r.trades.returnPct[0]).toBe(1);
    expect(r.trades.size[0]).toBe(-10);
  });
});

describe('a position open after the last bar', () => {
  it('is a trade marked to the last close, isOpen = 1, reason end-of-data, exit fee not charged', () => {
    // fee 1%: buy at 100 with 1000 -> 1000 / 101 units, fee 9.900990; last close 110
    const bars = barsOf([
      [100, 100, 100, 100],
      [110, 110, 110, 110],
    ]);
    const r = simulate(bars, { entries: ones(2, [0]) }, { ...CLOSE, feeRate: 0.01 });
    const u = 1000 / 101;
    expect(r.trades.count).toBe(1);
    expect(r.trades.isOpen[0]).toBe(1);
    expect(r.trades.exitBar[0]).toBe(1);
    expect(r.trades.exitPrice[0]).toBe(110);
    expect(r.trades.exitReason[0]).toBe(REASON_END_OF_DATA);
    expect(r.trades.fees[0]).toBeCloseTo(u, 12);
    expect(r.trades.pnl[0]).toBeCloseTo(u * 10 - u, 9); // 89.108911
    // sum of trade pnl = final equity - initial cash
    expect(r.trades.pnl[0]).toBeCloseTo(r.finalEquity - 1000, 9);
    expect(r.orders.count).toBe(1);
    expect(close6(r.position)).toEqual(close6([u, u]));
  });
});

describe('tradesToObjects / ordersToObjects', () => {
  it('render the logs with names and ISO times', async () => {
    const { tradesToObjects, ordersToObjects } = await import('../../src/engine/index.js');
    const bars = barsOf([
      [100, 100, 100, 100],
      [110, 110, 110, 110],
    ]);
    const r = simulate(bars, { entries: ones(2, [0]) }, CLOSE);
    expect(tradesToObjects(r.trades, bars)).toEqual([
      {
        asset: 0,
        symbol: null,
        direction: 'long',
        entryBar: 0,
        exitBar: 1,
        entryTime: '1970-01-01T00:00:00Z',
        exitTime: '1970-01-01T00:01:00Z',
        entryPrice: 100,
        exitPrice: 110,
        size: 10,
        fees: 0,
        pnl: 100,
        returnPct: 10,
        exitReason: 'end-of-data',
        isOpen: true,
      },
    ]);
    expect(ordersToObjects(r.orders)[0]).toMatchObject({ bar: 0, time: null, side: 'buy', reason: 'entry', size: 10, symbol: null });
  });

  it('name the symbol of each record from the symbols given, in asset order', async () => {
    const { tradesToObjects, ordersToObjects, simulatePortfolio } = await import('../../src/engine/index.js');
    const flatBars = (c: number[]) => barsOf(c.map((x) => [x, x, x, x] as [number, number, number, number]));
    // asset 0 bought at bar 0, asset 1 at bar 1; both sold at bar 2 (fill close)
    const r = simulatePortfolio(
      [flatBars([10, 11, 12]), flatBars([20, 21, 22])],
      [Float64Array.from([0.5, NaN, 0]), Float64Array.from([0, 0.5, 0])],
      { fill: 'close', cash: 1000 },
    );
    const symbols = ['ETH/BTC', 'LTC/BTC'];
    expect(ordersToObjects(r.orders, undefined, symbols).map((o) => [o.asset, o.symbol, o.side])).toEqual([
      [0, 'ETH/BTC', 'buy'],
      [1, 'LTC/BTC', 'buy'],
      [0, 'ETH/BTC', 'sell'],
      [1, 'LTC/BTC', 'sell'],
    ]);
    expect(tradesToObjects(r.trades, undefined, symbols).map((t) => [t.asset, t.symbol])).toEqual([
      [0, 'ETH/BTC'],
      [1, 'LTC/BTC'],
    ]);
    // without symbols (or fewer than the assets) the field is null, never a guess
    expect(tradesToObjects(r.trades, undefined, ['ETH/BTC']).map((t) => t.symbol)).toEqual(['ETH/BTC', null]);
  });
});
