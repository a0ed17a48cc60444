import { describe, expect, it } from 'vitest';
import { sliceBars, type Bars } from '../../src/data/bars.js';
import type { SimOptions } from '../../src/engine/types.js';
import { runParity } from '../../src/live/parity.js';
import { defineStrategy } from '../../src/strategies/define.js';
import { int } from '../../src/strategies/params.js';
import { BUILTIN_STRATEGIES, builtinStrategy } from '../../src/strategies/registry.js';
import { describeShared, readCsvBars, readSharedCsv } from '../helpers/shared.js';

const SINGLE = BUILTIN_STRATEGIES.filter((s) => s.signals !== undefined);

/** Settings that exercise every rule the runner shares with the backtest: both fills, both sides, every stop, costs, sizing. */
const SETTINGS: [string, SimOptions][] = [
  ['defaults (fill at the next open, long)', {}],
  ['fill close, fees and slippage', { fill: 'close', feeRate: 0.001, slippageBps: 5 }],
  ['both sides, stop-loss and take-profit, stop first', { direction: 'both', stopLoss: { kind: 'pct', value: 0.02 }, takeProfit: { kind: 'pct', value: 0.04 }, feeRate: 0.001, fixedFee: 1 }],
  ['both sides at the close, trailing stop, max hold, target first', { direction: 'both', fill: 'close', trailingStop: { kind: 'pct', value: 0.03 }, takeProfit: { kind: 'pct', value: 0.05 }, maxHold: 10, stopFirst: false }],
  ['short only, ATR stop, volatility target, leverage 2, lots', { direction: 'short', stopLoss: { kind: 'atr', multiple: 2, period: 14 }, size: { kind: 'vol-target', annualVol: 0.2, lookback: 20, periodsPerYear: 252 }, leverage: 2, lotSize: 0.01 }],
  ['kelly sizing with reversals, max hold at the open', { direction: 'both', size: { kind: 'kelly', fraction: 0.5, minTrades: 5 }, maxHold: 15, feeRate: 0.0005 }],
];

function parity(strategy: (typeof SINGLE)[number], bars: Bars, sim: SimOptions) {
  return runParity({ strategy, sim, periodsPerYear: 252, bars });
}

describe('rrr parity: the live runner with the paper broker fills exactly as the backtest', () => {
  const demo = readCsvBars('datasets/demo-a_1d.csv');
  // A year and a half of demo bars keeps the 42 replays quick; the shared files below run whole.
  const bars = sliceBars(demo, 0, 550);

  for (const strategy of SINGLE) {
    for (const [label, sim] of SETTINGS) {
      it(`${strategy.name}: ${label}`, async () => {
        const r = await parity(strategy, bars, sim);
        expect(r.firstDifference).toBeUndefined();
        expect(r.identical).toBe(true);
        expect(r.runnerFills).toBe(r.backtestFills);
      });
    }
  }

  it('a strategy that reads the next bar is caught: the runner, which never has it, trades differently', async () => {
    const peeking = defineStrategy({
      name: 'peeking',
      params: { lag: int(1, { min: 1, max: 5 }) },
      warmup: () => 1,
      signals: (b) => {
        const n = b.length;
        const entries = new Uint8Array(n);
        const exits = new Uint8Array(n);
        // Buys when the next close is higher: impossible live, where bar t is the last bar the runner has.
        for (let t = 0; t + 1 < n; t++) {
          if (b.close[t + 1] > b.close[t]) entries[t] = 1;
          else exits[t] = 1;
        }
        return { entries, exits };
      },
    });
    const r = await runParity({ strategy: peeking, periodsPerYear: 252, bars });
    expect(r.identical).toBe(false);
    expect(r.firstDifference).toBeDefined();
    const d = r.firstDifference!;
    expect(d.backtest).not.toEqual(d.runner);
  });

  it('counts a signal of the last bar, which the backtest drops, as an order still open at the end', async () => {
    const lastBar = defineStrategy({
      name: 'last-bar',
      params: {},
      warmup: () => 1,
      signals: (b) => {
        const entries = new Uint8Array(b.length);
        // Recomputed on each bar the runner has: the signal is always on the latest one, but the backtest sees it only at the end.
        if (b.length === bars.length) entries[b.length - 1] = 1;
        return { entries, exits: new Uint8Array(b.length) };
      },
    });
    const r = await runParity({ strategy: lastBar, periodsPerYear: 252, bars });
    expect(r.identical).toBe(true);
    expect(r.backtestFills).toBe(0);
    expect(r.unfilledAtEnd).toBe(1);
  });

  it('refuses a target-weights strategy and --close-at-end with one sentence each', async () => {
    await expect(runParity({ strategy: builtinStrategy('pairs')!, periodsPerYear: 252, bars })).rejects.toThrow(/pairs sets target weights for 2 assets; paper and live runs trade single-asset signal strategies/);
    await expect(runParity({ strategy: builtinStrategy('sma-cross')!, periodsPerYear: 252, bars, sim: { closeAtEnd: true }, optionName: () => '--close-at-end' })).rejects.toThrow(/^--close-at-end closes at the last bar of the data, which a live run does not have: remove it\.$/);
  });
});

describeShared('rrr parity on real data from ../shared', () => {
  // The runner recomputes the signals over its whole history at every bar (as live), so a replay costs
  // O(n^2): the intraday files are cut to their first 3,000 bars to keep the suite quick.
  const files: [string, number, number][] = [
    ['goog_1d.csv', 252, Infinity],
    ['eur-usd_1h.csv', 6240, 3000],
    ['eth-btc_5m.csv', 105_120, 3000],
  ];
  for (const [file, periodsPerYear, keep] of files) {
    for (const strategy of SINGLE) {
      it(`${strategy.name} on ${file}: both fills, both sides, stops`, async () => {
        const all = readSharedCsv(file);
        const bars = keep < all.length ? sliceBars(all, 0, keep) : all;
        for (const [, sim] of [SETTINGS[0], SETTINGS[2], SETTINGS[3]]) {
          const r = await runParity({ strategy, sim, periodsPerYear, bars });
          expect(r.firstDifference, `${JSON.stringify(sim)}`).toBeUndefined();
          expect(r.runnerFills).toBeGreaterThan(0);
        }
      });
    }
  }
});
