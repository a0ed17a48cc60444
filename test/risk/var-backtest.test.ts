import { describe, expect, it } from 'vitest';
import { kupiecTest } from '../../src/risk/kupiec.js';
import { backtestVar } from '../../src/risk/var-backtest.js';

describe('VaR backtest', () => {
  it('counts exceptions against the VaR of the window before each period only (constructed series)', () => {
    // A 10-period cycle whose worst return is -2%: every 10-period window holds one whole cycle, so the
    // historical 95% VaR (k = ceil(0.5) = 1: the worst return) is 2% until a shock enters the window.
    const cycle = [0.01, -0.01, 0.02, -0.02, 0.0, 0.01, -0.01, 0.02, -0.02, 0.0];
    const returns = Float64Array.from({ length: 60 }, (_, t) => cycle[t % 10]);
    returns[20] = -0.05; // VaR 2%: an exception
    returns[25] = -0.05; // the window 15..24 holds t = 20: VaR 5%, and a loss equal to the VaR is not beyond it
    returns[40] = -0.03; // the window 30..39 is the cycle again: VaR 2%, an exception
    const tests = backtestVar(returns, 10, [0.95]);
    const historical = tests.find((t) => t.method === 'historical')!;
    expect(historical.kupiec.observations).toBe(50);
    expect(historical.kupiec.exceptions).toBe(2);
    expect(historical.kupiec).toEqual(kupiecTest(2, 50, 1 - 0.95));
    expect(historical.trafficLight.zone).toBe('green');
    // Changing a return never changes the exceptions counted before it (no look-ahead).
    const later = Float64Array.from(returns);
    later[55] = -0.5;
    const withLater = backtestVar(later, 10, [0.95]).find((t) => t.method === 'historical')!;
    expect(withLater.kupiec.exceptions).toBe(3);
  });

  it('tests every method at every confidence, and refuses a window the data cannot fill', () => {
    const returns = Float64Array.from({ length: 300 }, (_, t) => Math.sin(t * 1.7) * 0.02);
    const tests = backtestVar(returns, 250, [0.95, 0.99]);
    expect(tests.map((t) => `${t.method}@${t.confidence}`)).toEqual([
      'historical@0.95', 'historical@0.99', 'normal@0.95', 'normal@0.99', 'cornish-fisher@0.95', 'cornish-fisher@0.99',
    ]);
    expect(() => backtestVar(returns, 300, [0.95])).toThrow(/needs more than 300 returns; there are 300/);
  });
});
