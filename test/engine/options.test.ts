import { describe, expect, it } from 'vitest';
import { resolvePortfolioOptions, resolveSimOptions, simulate, SIM_DEFAULTS } from '../../src/engine/index.js';
import type { SimOptions } from '../../src/engine/index.js';
import { parseNumberFlag, parseSize, parseStop } from '../../src/engine/parse-options.js';
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

describe('settings written as text (parse-options)', () => {
  it('a stop >= 1 without % is refused: 5 would be 500%', () => {
    expect(parseStop('stop-loss', '0.05')).toEqual({ kind: 'pct', value: 0.05 });
    expect(parseStop('stop-loss', '5%')).toEqual({ kind: 'pct', value: 0.05 });
    expect(parseStop('take-profit', '150%')).toEqual({ kind: 'pct', value: 1.5 });
    expect(parseStop('stop-loss', '2atr:20')).toEqual({ kind: 'atr', multiple: 2, period: 20 });
    expect(() => parseStop('stop-loss', '5')).toThrow('--stop-loss 5 is 500% of the fill price (write 500% if that is meant); did you mean 5%?');
    expect(() => parseStop('trailing-stop', '1')).toThrow('did you mean 1%?');
    expect(() => parseStop('stop-loss', '0x1')).toThrow('--stop-loss "0x1" is not valid');
  });

  it('--size takes exactly its fields', () => {
    expect(parseSize('cash:100', 252)).toEqual({ kind: 'cash', amount: 100 });
    expect(parseSize('vol:0.2:60', 252)).toEqual({ kind: 'vol-target', annualVol: 0.2, lookback: 60, periodsPerYear: 252 });
    expect(parseSize('kelly:0.5', 252)).toEqual({ kind: 'kelly', fraction: 0.5, minTrades: 20 });
    expect(parseSize('50%', 252)).toEqual({ kind: 'percent', fraction: 0.5 });
    expect(() => parseSize('cash:100:200', 252)).toThrow('--size "cash:100:200" has 2 fields after "cash:": write cash:AMOUNT.');
    expect(() => parseSize('cash', 252)).toThrow('--size "cash" has 0 fields after "cash:": write cash:AMOUNT.');
    expect(() => parseSize('kelly:0.5:20:1', 252)).toThrow('write kelly:FRACTION[:MIN_TRADES].');
    expect(() => parseSize('half', 252)).toThrow('--size "half" is not valid');
  });

  it('numbers are plain decimals: hexadecimal, binary and Infinity are refused', () => {
    expect(parseNumberFlag('cash', '1e4', 'an amount')).toBe(10_000);
    expect(parseNumberFlag('fees', '0.1%', 'a rate')).toBeCloseTo(0.001, 15);
    for (const text of ['0x10', '0b1', 'Infinity', '', '1e400', '1,000']) expect(() => parseNumberFlag('cash', text, 'an amount')).toThrow(`--cash "${text}" is not valid: use an amount.`);
  });
});
