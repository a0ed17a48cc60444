import { describe, expect, it } from 'vitest';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { simulate } from '../../src/engine/index.js';
import type { SimOptions } from '../../src/engine/index.js';
import { crossSignals, maxRelDiff, randomFlags } from './helpers.js';
import { referenceSimulate, type RefOptions } from './reference.js';

const bars = benchmarkBars(100_000);
const { entries, exits } = crossSignals(bars.close, 10, 50);

describe('golden: the standard benchmark (SMA 10/50, fill close, fees 0.1%, all equity)', () => {
  const r = simulate(bars, { entries, exits }, { fill: 'close', feeRate: 0.001, cash: 10_000 });

  it('gives exactly 1416 trades and final value 752.8744075930 (vectorbt and an independent loop agree)', () => {
    expect(r.trades.count).toBe(1416);
    expect(r.orders.count).toBe(2832);
    expect(Math.abs(r.finalEquity - 752.874407593)).toBeLessThan(1e-6);
    // no trade left open at the end of this series
    expect(r.trades.isOpen.every((x) => x === 0)).toBe(true);
  });

  it('matches the independent reference loop bar by bar', () => {
    const ref = referenceSimulate(bars, { entries, exits }, { fill: 'close', feeRate: 0.001 });
    expect(ref.closedTrades).toBe(1416);
    expect(maxRelDiff(r.equity, ref.equity)).toBeLessThan(1e-9);
    expect(maxRelDiff(r.cash, ref.cash)).toBeLessThan(1e-9);
    expect(maxRelDiff(r.position, ref.position)).toBeLessThan(1e-9);
  });
});

describe('simulate() equals the reference loop bar by bar on other settings', () => {
  const n = 20_000;
  const b = benchmarkBars(n, 7);
  const cross = crossSignals(b.close, 5, 20);
  const rnd = {
    entries: randomFlags(n, 0.02, 1),
    exits: randomFlags(n, 0.02, 2),
    shortEntries: randomFlags(n, 0.02, 3),
    shortExits: randomFlags(n, 0.02, 4),
  };
  type Case = [string, 'cross' | 'random', SimOptions, RefOptions];
  const cases: Case[] = [
    ['open fills', 'cross', { feeRate: 0.001 }, { feeRate: 0.001 }],
    ['slippage and fixed fee', 'cross', { feeRate: 0.0005, fixedFee: 1.5, slippageBps: 7 }, { feeRate: 0.0005, fixedFee: 1.5, slippageBps: 7 }],
    ['close fills with slippage', 'cross', { fill: 'close', slippageBps: 3 }, { fill: 'close', slippageBps: 3 }],
    ['half of equity, lots of 0.1', 'cross', { size: { kind: 'percent', fraction: 0.5 }, lotSize: 0.1 }, { fraction: 0.5, lotSize: 0.1 }],
    ['short only', 'random', { direction: 'short', feeRate: 0.001 }, { direction: 'short', feeRate: 0.001 }],
    ['both directions, open', 'random', { direction: 'both', feeRate: 0.001, slippageBps: 2 }, { direction: 'both', feeRate: 0.001, slippageBps: 2 }],
    ['both directions, close', 'random', { direction: 'both', fill: 'close', fixedFee: 0.5 }, { direction: 'both', fill: 'close', fixedFee: 0.5 }],
    [
      'stop-loss + take-profit, open',
      'cross',
      { stopLoss: { kind: 'pct', value: 0.004 }, takeProfit: { kind: 'pct', value: 0.006 }, feeRate: 0.001 },
      { stopLossPct: 0.004, takeProfitPct: 0.006, feeRate: 0.001 },
    ],
    [
      'stop-loss + take-profit, target first, close',
      'cross',
      { fill: 'close', stopLoss: { kind: 'pct', value: 0.003 }, takeProfit: { kind: 'pct', value: 0.003 }, stopFirst: false },
      { fill: 'close', stopLossPct: 0.003, takeProfitPct: 0.003, stopFirst: false },
    ],
    [
      'trailing + stop-loss, both directions',
      'random',
      { direction: 'both', stopLoss: { kind: 'pct', value: 0.01 }, trailingStop: { kind: 'pct', value: 0.004 }, slippageBps: 5 },
      { direction: 'both', stopLossPct: 0.01, trailingPct: 0.004, slippageBps: 5 },
    ],
    [
      'trailing + take-profit, short, close',
      'random',
      { direction: 'short', fill: 'close', trailingStop: { kind: 'pct', value: 0.003 }, takeProfit: { kind: 'pct', value: 0.005 } },
      { direction: 'short', fill: 'close', trailingPct: 0.003, takeProfitPct: 0.005 },
    ],
    [
      'both directions, stop-loss + take-profit, close',
      'random',
      { direction: 'both', fill: 'close', stopLoss: { kind: 'pct', value: 0.005 }, takeProfit: { kind: 'pct', value: 0.008 }, feeRate: 0.0002 },
      { direction: 'both', fill: 'close', stopLossPct: 0.005, takeProfitPct: 0.008, feeRate: 0.0002 },
    ],
    [
      'both directions, stop-loss + max hold, open',
      'random',
      { direction: 'both', stopLoss: { kind: 'pct', value: 0.006 }, maxHold: 9, slippageBps: 1 },
      { direction: 'both', stopLossPct: 0.006, maxHold: 9, slippageBps: 1 },
    ],
    ['max hold, open', 'random', { direction: 'both', maxHold: 7 }, { direction: 'both', maxHold: 7 }],
    ['max hold + stops, close', 'cross', { fill: 'close', maxHold: 12, stopLoss: { kind: 'pct', value: 0.003 } }, { fill: 'close', maxHold: 12, stopLossPct: 0.003 }],
  ];
  it.each(cases)('%s', (_name, which, options, refOptions) => {
    const sig =
      which === 'cross'
        ? cross
        : options.direction === 'short'
          ? { shortEntries: rnd.shortEntries, shortExits: rnd.shortExits }
          : options.direction === 'both'
            ? rnd
            : { entries: rnd.entries, exits: rnd.exits };
    const r = simulate(b, sig, options);
    const ref = referenceSimulate(b, sig, refOptions);
    expect(r.orders.count).toBe(ref.orders);
    expect(r.orders.count).toBeGreaterThan(20);
    expect(r.trades.count - (r.trades.isOpen[r.trades.count - 1] ?? 0)).toBe(ref.closedTrades);
    expect(maxRelDiff(r.position, ref.position)).toBeLessThan(1e-9);
    expect(maxRelDiff(r.cash, ref.cash)).toBeLessThan(1e-9);
    expect(maxRelDiff(r.equity, ref.equity)).toBeLessThan(1e-9);
    expect(Math.abs(r.feesPaid - ref.fees)).toBeLessThan(1e-6);
  });
});
