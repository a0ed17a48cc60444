import { describe, expect, it } from 'vitest';
import { allocateBars, type Bars } from '../../src/data/bars.js';
import { defineStrategy } from '../../src/strategies/define.js';
import { runBacktest, SIGNAL_ONLY_KEYS } from '../../src/strategies/backtest.js';
import { builtinStrategy } from '../../src/strategies/registry.js';
import { UserError } from '../../src/errors.js';

function bars(n: number): Bars {
  const b = allocateBars(n, { symbol: 'X' });
  for (let i = 0; i < n; i++) {
    const p = 100 + 10 * Math.sin(i / 5);
    b.time[i] = Date.UTC(2020, 0, 1) + i * 86_400_000;
    b.open[i] = b.high[i] = b.low[i] = b.close[i] = p;
    b.volume[i] = 1;
  }
  return b;
}

const thrown = (fn: () => unknown): UserError => {
  try {
    fn();
  } catch (error) {
    return error as UserError;
  }
  throw new Error('did not throw');
};

describe('runBacktest (strategy composed with the engine)', () => {
  it('a target-weights strategy refuses each signal-only setting by name', () => {
    const pairs = builtinStrategy('pairs')!;
    const data = [bars(100), bars(100)];
    for (const key of SIGNAL_ONLY_KEYS) {
      const value = { direction: 'both', size: { kind: 'percent', fraction: 0.5 }, stopLoss: { kind: 'pct', value: 0.02 }, takeProfit: { kind: 'pct', value: 0.02 }, trailingStop: { kind: 'pct', value: 0.02 }, maxHold: 3, stopFirst: false }[key];
      const error = thrown(() => runBacktest(data, { strategy: pairs, sim: { [key]: value }, periodsPerYear: 365 }));
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toBe(`pairs sets target weights; ${key} applies to signal strategies only: remove it.`);
      expect(error.exitCode).toBe(2);
    }
    expect(runBacktest(data, { strategy: pairs, sim: { leverage: 2, feeRate: 0.001 }, periodsPerYear: 365 }).settings).toMatchObject({ leverage: 2, feeRate: 0.001 });
  });

  it('reports what the strategy implied and which of it the user overrode', () => {
    const donchian = builtinStrategy('donchian-breakout')!;
    const implied = runBacktest(bars(200), { strategy: donchian, periodsPerYear: 365 });
    expect(implied.implied).toEqual({ stopLoss: { kind: 'atr', multiple: 2, period: 20 } });
    expect(implied.overridden).toEqual([]);
    const mine = runBacktest(bars(200), { strategy: donchian, sim: { stopLoss: { kind: 'pct', value: 0.03 } }, periodsPerYear: 365 });
    expect(mine.overridden).toEqual(['stopLoss']);
    expect(mine.settings).toMatchObject({ stopLoss: { kind: 'pct', value: 0.03 } });
  });

  it.each([
    ['returns null', () => null, 'signals returned null instead of { entries, exits } columns'],
    ['returns short columns', () => ({ entries: new Uint8Array(3) }), 'signals.entries has 3 values for 50 bars (one per bar is needed)'],
    ['returns a plain array', () => ({ entries: new Array(50).fill(0) }), 'signals.entries is not a Uint8Array'],
    ['returns no columns', () => ({}), 'signals returned no entries, exits, shortEntries or shortExits'],
    ['throws', () => { throw new TypeError('x is undefined'); }, 'its signals threw "x is undefined"'],
  ])('a strategy whose signals %s fails with one sentence naming it, its source and the bar count', (_name, signals, problem) => {
    const strategy = defineStrategy({ name: 'broken', params: {}, warmup: () => 1, signals: signals as never });
    const error = thrown(() => runBacktest(bars(50), { strategy, periodsPerYear: 365, source: '/tmp/broken.ts' }));
    expect(error).toBeInstanceOf(UserError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(`Strategy "broken" (/tmp/broken.ts) failed on 50 bars: ${problem}.`);
  });
});
