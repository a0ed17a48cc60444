import { describe, expect, it } from 'vitest';
import { hasCrossedOver, hasCrossedUnder } from 'trading-signals';
import { crossover, crossoverInto, crossoverLevel, crossunder, crossunderLevel, sma } from '../../src/indicators/index.js';
import { randomOhlcv, randomSeries } from './helpers.js';

describe('crossover / crossunder', () => {
  it('hand-worked: touches count as "at or below" before the cross; NaN never crosses', () => {
    const a = Float64Array.from([1, 2, 3, 1.5, NaN, 5, 1]);
    const b = Float64Array.from([2, 2, 2, 2, 2, 2, 2]);
    expect(Array.from(crossover(a, b))).toEqual([0, 0, 1, 0, 0, 0, 0]);
    expect(Array.from(crossunder(a, b))).toEqual([0, 0, 0, 1, 0, 0, 1]);
    expect(Array.from(crossoverLevel(a, 2))).toEqual([0, 0, 1, 0, 0, 0, 0]);
    expect(Array.from(crossunderLevel(a, 2))).toEqual([0, 0, 0, 1, 0, 0, 1]);
    expect(Array.from(crossover(new Float64Array(0), new Float64Array(0)))).toEqual([]);
  });

  it('matches trading-signals hasCrossedOver/hasCrossedUnder on random series with ties and warm-up NaNs', () => {
    for (const seed of [1, 2, 3]) {
      const b = randomOhlcv(seed, 2000, { tick: 0.5 });
      const fast = sma(b.close, 3);
      const slow = sma(b.close, 10);
      const up = crossover(fast, slow);
      const down = crossunder(fast, slow);
      let ups = 0;
      for (let i = 1; i < fast.length; i++) {
        const anyNaN = [fast[i - 1], slow[i - 1], fast[i], slow[i]].some(Number.isNaN);
        const o = !anyNaN && hasCrossedOver(fast[i - 1], slow[i - 1], fast[i], slow[i]);
        const u = !anyNaN && hasCrossedUnder(fast[i - 1], slow[i - 1], fast[i], slow[i]);
        expect(up[i], `over ${i}`).toBe(o ? 1 : 0);
        expect(down[i], `under ${i}`).toBe(u ? 1 : 0);
        ups += up[i];
      }
      expect(ups).toBeGreaterThan(20);
    }
  });

  it('a cross against a level equals a cross against a constant series', () => {
    const x = randomSeries(9, 1000, 0, 100);
    const level = new Float64Array(1000).fill(50);
    expect(Array.from(crossoverLevel(x, 50))).toEqual(Array.from(crossover(x, level)));
    expect(Array.from(crossunderLevel(x, 50))).toEqual(Array.from(crossunder(x, level)));
  });

  it('writes into the given Uint8Array', () => {
    const out = new Uint8Array(3).fill(7);
    expect(crossoverInto(out, Float64Array.from([0, 1, 2]), Float64Array.from([1, 1, 1]))).toBe(out);
    expect(Array.from(out)).toEqual([0, 0, 1]);
  });
});

describe('crosses (both directions in one pass)', () => {
  it('equals crossover and crossunder, NaN included', async () => {
    const { crosses, crossesInto, crossover, crossunder } = await import('../../src/indicators/index.js');
    const { mulberry32 } = await import('../../src/data/synthetic.js');
    const rand = mulberry32(7);
    for (let trial = 0; trial < 20; trial++) {
      const n = 200 + trial;
      const a = Float64Array.from({ length: n }, () => (rand() < 0.05 ? NaN : Math.round(rand() * 10)));
      const b = Float64Array.from({ length: n }, () => (rand() < 0.05 ? NaN : Math.round(rand() * 10)));
      const both = crosses(a, b);
      expect(both.up).toEqual(crossover(a, b));
      expect(both.down).toEqual(crossunder(a, b));
      // Into buffers holding other flags: every one is rewritten.
      const into = crossesInto(new Uint8Array(n).fill(7), new Uint8Array(n).fill(1), a, b);
      expect(into.up).toEqual(both.up);
      expect(into.down).toEqual(both.down);
    }
  });

  it('equals crossover and crossunder on moving averages (long one-sided stretches) with ties and NaN gaps', async () => {
    const { crossesInto, crossover, crossunder } = await import('../../src/indicators/index.js');
    for (const seed of [4, 5, 6]) {
      const b = randomOhlcv(seed, 5000, { tick: 0.5 });
      const close = b.close.slice();
      for (let i = 700 + seed; i < 720 + seed; i++) close[i] = NaN;
      const fast = sma(close, 4);
      const slow = sma(close, 30);
      // A stretch where the two lines are equal, then one where the slow line is NaN alone.
      slow.set(fast.subarray(2000, 2050), 2000);
      slow.fill(NaN, 3000, 3010);
      const into = crossesInto(new Uint8Array(5000).fill(1), new Uint8Array(5000).fill(1), fast, slow);
      expect(into.up).toEqual(crossover(fast, slow));
      expect(into.down).toEqual(crossunder(fast, slow));
      expect(into.up.reduce((s, f) => s + f, 0)).toBeGreaterThan(50);
    }
  });
});
