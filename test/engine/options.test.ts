import { describe, expect, it } from 'vitest';
import { resolvePortfolioOptions, resolveSimOptions, simulate, SIM_DEFAULTS } from '../../src/engine/index.js';
import type { SimOptions } from '../../src/engine/index.js';
import { barsOf, ones } from './helpers.js';

describe('options', () => {
  it('defaults', () => {
    expect(resolveSimOptions()).toEqual(SIM_DEFAULTS);
    expect(SIM_DEFAULTS).toMatchObject({ cash: 10_000, fill: 'open', feeRate: 0, leverage: 1, direction: 'long', stopFirst: true });
    expect(SIM_DEFAULTS.size).toEqual({ kind: 'percent', fraction: 1 });
  });

  const bad: Array<[string, unknown, string]> = [
    ['feeRate', { feeRate: -0.001 }, 'feeRate must be >= 0 and < 1 (got -0.001)'],
    ['cash', { cash: 0 }, 'cash must be a number > 0 (got 0)'],
    ['cash NaN', { cash: NaN }, 'cash must be a number > 0 (got NaN)'],
    ['fill', { fill: 'mid' }, "fill must be 'open' or 'close' (got 'mid')"],
    ['fixedFee', { fixedFee: -1 }, 'fixedFee must be >= 0 (got -1)'],
    ['slippageBps', { slippageBps: 20000 }, 'slippageBps must be >= 0 and < 10000 (got 20000)'],
    ['direction', { direction: 'sideways' }, "direction must be 'long' or 'short' or 'both' (got 'sideways')"],
    ['leverage', { leverage: -2 }, 'leverage must be a number > 0 (got -2)'],
    ['lotSize', { lotSize: -1 }, 'lotSize must be >= 0 (0 = fractional units) (got -1)'],
    ['maxHold', { maxHold: 2.5 }, 'maxHold must be an integer >= 1 (bars) (got 2.5)'],
    ['stopFirst', { stopFirst: 'yes' }, "stopFirst must be true or false (got 'yes')"],
    ['size.kind', { size: { kind: 'all' } }, "size.kind must be 'percent', 'cash', 'units', 'vol-target' or 'kelly' (got 'all')"],
    ['size.fraction', { size: { kind: 'percent', fraction: 0 } }, 'size.fraction must be a number > 0 (got 0)'],
    ['size.lookback', { size: { kind: 'vol-target', annualVol: 0.2, lookback: 1, periodsPerYear: 252 } }, 'size.lookback must be an integer >= 2 (got 1)'],
    ['size.minTrades', { size: { kind: 'kelly', fraction: 0.5 } }, 'size.minTrades must be an integer >= 1 (got undefined)'],
    ['stopLoss.value', { stopLoss: { kind: 'pct', value: -0.1 } }, 'stopLoss.value must be a number > 0 (got -0.1)'],
    ['trailingStop.kind', { trailingStop: { kind: 'points', value: 3 } }, "trailingStop.kind must be 'pct' or 'atr' (got 'points')"],
    ['takeProfit.period', { takeProfit: { kind: 'atr', multiple: 2, period: 0 } }, 'takeProfit.period must be an integer >= 1 (got 0)'],
    ['unknown key', { fees: 0.001 }, 'Unknown simulate option "fees"; accepted options are cash, fill, feeRate'],
  ];
  it.each(bad)('%s: a RangeError naming the option, the value and what is accepted', (_name, options, message) => {
    expect(() => resolveSimOptions(options as SimOptions)).toThrow(RangeError);
    expect(() => resolveSimOptions(options as SimOptions)).toThrow(message);
  });

  it('portfolio options are validated the same way', () => {
    expect(() => resolvePortfolioOptions({ leverage: 0 })).toThrow('leverage must be a number > 0 (got 0)');
    expect(() => resolvePortfolioOptions({ direction: 'long' } as never)).toThrow('Unknown simulatePortfolio option "direction"');
  });

  it('signals are checked against the bars and the direction', () => {
    const bars = barsOf([
      [1, 1, 1, 1],
      [1, 1, 1, 1],
    ]);
    expect(() => simulate(bars, { entries: ones(3, [0]) })).toThrow('signals.entries must have one value per bar (got 3 values for 2 bars)');
    expect(() => simulate(bars, { entries: ones(2, [0]) }, { direction: 'short' })).toThrow(
      "direction 'short' needs signals.shortEntries (got only entries/exits, which open and close longs)",
    );
    expect(() => simulate(bars, { shortEntries: ones(2, [0]) })).toThrow("direction 'long' needs signals.entries (got only short signals)");
    expect(() => simulate(bars, {}, { direction: 'both' })).toThrow(RangeError);
    expect(() => simulate(bars, { entries: ones(2, [0]) }, {}, { equity: new Float64Array(1), cash: new Float64Array(2), position: new Float64Array(2) })).toThrow(
      'buffers.equity must hold at least 2 values, one per bar (got 1)',
    );
  });
});
