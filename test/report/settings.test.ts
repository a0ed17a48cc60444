import { describe, expect, it } from 'vitest';
import { describeSettings, describeSize, describeStop } from '../../src/report/settings.js';
import { formatNumber } from '../../src/report/table.js';
import { SIM_DEFAULTS } from '../../src/engine/options.js';

const pairs = (s: Parameters<typeof describeSettings>[0]) => Object.fromEntries(describeSettings(s));

describe('settings as sentences', () => {
  it('sizes', () => {
    expect(describeSize({ kind: 'percent', fraction: 1 })).toBe('size 100% of equity (fees reserved)');
    expect(describeSize({ kind: 'percent', fraction: 0.07 })).toBe('size 7% of equity (fees reserved)');
    expect(describeSize({ kind: 'cash', amount: 2500 })).toBe('size 2500 in cash per position (fees reserved)');
    expect(describeSize({ kind: 'units', units: 3 })).toBe('size 3 units per position');
    expect(describeSize({ kind: 'kelly', fraction: 0.5, minTrades: 20 })).toBe('kelly 0.5 after 20 closed trades, 100% of equity before');
    expect(describeSize({ kind: 'vol-target', annualVol: 0.2, lookback: 30, periodsPerYear: 252 }, 2)).toBe('size to a volatility target of 20% a year (realized over 30 bars), at most 2 x equity');
  });

  it('stops, by the side they sit on for the direction traded', () => {
    expect(describeStop('stop-loss', { kind: 'pct', value: 0.02 }, 'long')).toBe('stop-loss 2% below the fill');
    expect(describeStop('stop-loss', { kind: 'pct', value: 0.02 }, 'short')).toBe('stop-loss 2% above the fill');
    expect(describeStop('take-profit', { kind: 'pct', value: 0.1 }, 'both')).toBe('take-profit 10% above the fill for longs, below for shorts');
    expect(describeStop('stop-loss', { kind: 'atr', multiple: 2, period: 20 }, 'long')).toBe('stop-loss 2 x ATR(20) below the fill');
    expect(describeStop('trailing stop', { kind: 'pct', value: 0.05 }, 'long')).toBe('trailing stop 5% from the highest high since the fill');
  });

  it('the default settings, with no object or JSON in sight', () => {
    const s = pairs({ ...SIM_DEFAULTS, periodsPerYear: 252, periodsPerYearReason: 'weekday calendar detected: 5 trading days a week, 252 a year' } as never);
    expect(s).toEqual({
      Fill: "at the next bar's open",
      Costs: 'fees 0% of notional + 0 per order, slippage 0 bps',
      Trading: 'long only; size 100% of equity (fees reserved)',
      Units: 'fractional; no leverage (at most 1 x equity)',
      Exits: "on the strategy's signals only",
      'At the end': 'a position still open is marked to the last close and reported apart, not closed (--close-at-end closes it)',
      Cash: '10000',
      'Periods per year': '252 (weekday calendar detected: 5 trading days a week, 252 a year)',
    });
  });

  it('what the strategy implied: shown as set by it, or as overridden by the flag that replaced it', () => {
    const atr = { kind: 'atr', multiple: 2, period: 20 };
    expect(pairs({ ...SIM_DEFAULTS, stopLoss: atr, implied: { stopLoss: atr } } as never).Exits).toBe('on signals; stop-loss 2 x ATR(20) below the fill (set by the strategy)');
    expect(pairs({ ...SIM_DEFAULTS, stopLoss: { kind: 'pct', value: 0.03 }, implied: { stopLoss: atr }, overridden: ['stopLoss'] } as never).Exits).toBe(
      "on signals; stop-loss 3% below the fill (--stop-loss; overrides the strategy's 2 x ATR(20))",
    );
  });

  it('a run recorded before these fields existed still renders', () => {
    const old = pairs({ cash: 5000, fill: 'close', feeRate: 0.001, fixedFee: 1, slippageBps: 2, direction: 'long', size: { kind: 'percent', fraction: 1 }, lotSize: 0, leverage: 1, stopLoss: null, takeProfit: null, trailingStop: null, maxHold: 0, stopFirst: true, periodsPerYear: 365 });
    expect(old.Fill).toBe("at the signal bar's close (--fill close)");
    expect(old.Costs).toBe('fees 0.1% of notional + 1 per order, slippage 2 bps');
    expect(old['Periods per year']).toBe('365');
  });
});

describe('numbers keep their significant digits', () => {
  it.each([
    [0.00005123, '0.00005123'],
    [0.000051234567891, '0.00005123456789'],
    [5e-7, '5e-7'],
    [1234.5, '1234.5'],
    [1e15, '1e15'],
    [1e300, '1e300'],
    [-3, '-3'],
  ])('%s prints as %s', (x, text) => {
    expect(formatNumber(x)).toBe(text);
  });
});
