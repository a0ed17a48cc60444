/** The sweep-scoped indicator cache: counts, identical values, identity keys, the byte bound, the scope. */
import { describe, expect, it } from 'vitest';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { IndicatorCache, TrialScratch, withIndicatorCache, withTrialScratch } from '../../src/indicators/cache.js';
import { bollingerBands, ema, macd, rsi, sma, smaInto } from '../../src/indicators/index.js';
import { runBacktest } from '../../src/strategies/backtest.js';
import { builtinStrategy } from '../../src/strategies/registry.js';

const bars = benchmarkBars(5_000);
const close = bars.close;
const bytes = close.length * 8;

describe('IndicatorCache', () => {
  it('computes each distinct call once: hits and misses counted, the same array handed back', () => {
    const cache = new IndicatorCache();
    const [a, b, c, d] = withIndicatorCache(cache, () => [sma(close, 10), sma(close, 10), sma(close, 20), ema(close, 10)]);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(d).not.toBe(a);
    expect(cache.stats).toEqual({ hits: 1, misses: 3, evictions: 0, bytes: 3 * bytes, entries: 3 });
  });

  it('gives exactly the values computed without it (a second implementation: smaInto into a fresh buffer)', () => {
    const cache = new IndicatorCache();
    for (const period of [1, 7, 50]) {
      const cached = withIndicatorCache(cache, () => sma(close, period));
      expect(cached).toEqual(smaInto(new Float64Array(close.length), close, period));
      expect(withIndicatorCache(cache, () => sma(close, period))).toEqual(sma(close, period));
    }
    const m = withIndicatorCache(cache, () => macd(close, 12, 26, 9));
    expect(m).toEqual(macd(close, 12, 26, 9));
    expect(withIndicatorCache(cache, () => rsi(close))).toEqual(rsi(close, 14));
  });

  it('keys on the input array by identity and on every parameter, defaults included', () => {
    const cache = new IndicatorCache();
    const copy = close.slice();
    withIndicatorCache(cache, () => {
      sma(close, 10);
      sma(copy, 10); // equal values, another array: a miss
      rsi(close); // the default period 14 ...
      rsi(close, 14); // ... is the same call
      bollingerBands(close, 20, 2);
      bollingerBands(close, 20, 2.5);
    });
    expect(cache.stats).toMatchObject({ hits: 1, misses: 5 });
  });

  it('counts every column of a multi-output indicator, and stays within its byte bound, least recently used out first (no cycle seen)', () => {
    const cache = new IndicatorCache(3 * bytes);
    withIndicatorCache(cache, () => bollingerBands(close, 20));
    expect(cache.stats.bytes).toBe(3 * bytes); // upper, middle, lower
    const first = withIndicatorCache(cache, () => sma(close, 5)); // evicts the bands
    expect(cache.stats).toMatchObject({ entries: 1, bytes, evictions: 1 });
    withIndicatorCache(cache, () => {
      sma(close, 6);
      sma(close, 7);
      sma(close, 7);
      sma(close, 5); // a hit: sma(5) becomes the most recent
      sma(close, 8); // evicts sma(6), the least recent
    });
    expect(cache.stats.bytes).toBeLessThanOrEqual(cache.maxBytes);
    expect(withIndicatorCache(cache, () => sma(close, 5))).toBe(first);
    const missesBefore = cache.stats.misses;
    withIndicatorCache(cache, () => sma(close, 6));
    expect(cache.stats.misses).toBe(missesBefore + 1);
    // An output larger than the bound is computed and returned but not kept.
    const tiny = new IndicatorCache(bytes - 8);
    withIndicatorCache(tiny, () => sma(close, 3));
    expect(tiny.stats).toMatchObject({ entries: 0, bytes: 0, misses: 1 });
  });

  it('is active only inside its scope, which nests and is restored after a throw', () => {
    const outer = new IndicatorCache();
    const inner = new IndicatorCache();
    expect(sma(close, 10)).not.toBe(sma(close, 10));
    withIndicatorCache(outer, () => {
      sma(close, 10);
      withIndicatorCache(inner, () => sma(close, 10));
      sma(close, 10);
      expect(() => withIndicatorCache(inner, () => sma(close, 0))).toThrow(RangeError);
      sma(close, 10);
    });
    expect(outer.stats).toMatchObject({ hits: 2, misses: 1 });
    expect(inner.stats).toMatchObject({ hits: 0, misses: 2, entries: 1 });
    expect(() => new IndicatorCache(-1)).toThrow(/maxBytes must be a number of bytes, 0 or more/);
  });

  /** A grid sweep's lookups: for each fast window, (fast, slow) for every slow window, in the same order. */
  function gridSweep(cache: IndicatorCache, input: Float64Array, fasts: number[], slows: number[]): { hits: number; misses: number } {
    const before = cache.stats;
    withIndicatorCache(cache, () => {
      for (const f of fasts) for (const s of slows) (sma(input, f), sma(input, s));
    });
    return { hits: cache.stats.hits - before.hits, misses: cache.stats.misses - before.misses };
  }

  it('keeps hitting on a cyclic sweep larger than it, where least-recently-used hits only the fast line', () => {
    // 12 entries: a window of 2 (an eighth, at least 2) and a main part of 10; the 40 slow lines cycle 10 times.
    const cache = new IndicatorCache(12 * bytes);
    const fasts = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const slows = Array.from({ length: 40 }, (_, k) => 100 + k);
    const { hits, misses } = gridSweep(cache, close, fasts, slows);
    // LRU, worked by hand: each fast line misses once then hits 39 times; each slow line is evicted 11+ lookups
    // before it comes back (40 distinct slows between), so all 400 slow lookups miss.
    const lru = { hits: 10 * 39, misses: 10 + 400 };
    // Here: once the slow lines come back missed (a cycle), the main part keeps those it holds (10 entries, one
    // of them perhaps an old fast line): at least 8 hits per cycle after the first.
    expect(hits + misses).toBe(800);
    expect(hits).toBeGreaterThanOrEqual(lru.hits + 9 * 8);
    expect(cache.stats.bytes).toBeLessThanOrEqual(cache.maxBytes);
    // The same lookups with a cache that holds them all: only the first sight of each line misses.
    const big = new IndicatorCache(60 * bytes);
    expect(gridSweep(big, close, fasts, slows)).toEqual({ hits: 800 - 50, misses: 50 });
  });

  it('lets the stale entries go when the pattern changes: a new input (a walk-forward window) hits as much', () => {
    const cache = new IndicatorCache(12 * bytes);
    const fasts = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const slows = Array.from({ length: 40 }, (_, k) => 100 + k);
    const first = gridSweep(cache, close, fasts, slows);
    // The main part is full of lines of `close`, hit every cycle; the new input's misses are of keys never
    // seen, so least-recently-used rules again until the new cycle shows.
    const second = gridSweep(cache, close.slice(), fasts, slows);
    expect(second.hits).toBeGreaterThanOrEqual(first.hits - 9);
    expect(second.hits).toBeGreaterThanOrEqual(10 * 39 + 8 * 8);
  });

  it('serves a strategy written without it: a backtest in scope equals one outside, and hits its indicators', () => {
    const strategy = builtinStrategy('sma-cross')!;
    const cache = new IndicatorCache();
    const spec = { strategy, params: { fast: 10, slow: 40 }, sim: { feeRate: 0.001 }, periodsPerYear: 525_600 };
    const plain = runBacktest(bars, spec);
    const first = withIndicatorCache(cache, () => runBacktest(bars, spec));
    const second = withIndicatorCache(cache, () => runBacktest(bars, { ...spec, params: { fast: 10, slow: 30 } }));
    expect(first.metrics).toEqual(plain.metrics);
    expect(Array.from(first.result.equity)).toEqual(Array.from(plain.result.equity));
    expect(second.metrics).toEqual(runBacktest(bars, { ...spec, params: { fast: 10, slow: 30 } }).metrics);
    expect(cache.stats).toMatchObject({ misses: 3, hits: 1 });
  });

  describe('recycling (a sweep: outputs live no longer than the trial that got them)', () => {
    // A cache that holds one sma at a time: each new period evicts the previous one.
    const one = () => new IndicatorCache(bytes, { recycle: true });

    it('reuses an evicted output\'s memory only after recycleEvicted(), with values equal to a fresh computation', () => {
      const cache = one();
      const first = withIndicatorCache(cache, () => sma(close, 5));
      const second = withIndicatorCache(cache, () => sma(close, 6)); // evicts sma(5), not yet free
      expect(second.buffer === first.buffer).toBe(false);
      cache.recycleEvicted();
      const third = withIndicatorCache(cache, () => sma(close, 7)); // evicts sma(6); takes sma(5)'s memory
      expect(third.buffer === first.buffer).toBe(true);
      expect(third).toEqual(smaInto(new Float64Array(close.length), close, 7));
      // A multi-column output takes recycled columns too, zeroed first: equal to one computed afresh.
      cache.recycleEvicted();
      const bands = withIndicatorCache(cache, () => bollingerBands(close, 20));
      expect([bands.upper, bands.middle, bands.lower].some((c) => c.buffer === second.buffer)).toBe(true);
      expect(bands).toEqual(bollingerBands(close, 20));
    });

    it('frees what a trial evicted when the trial ends (withTrialScratch, as runTrial runs it), not before', () => {
      const cache = one();
      const scratch = new TrialScratch();
      const trial = <T>(fn: () => T): T => withIndicatorCache(cache, () => withTrialScratch(scratch, fn));
      const a = trial(() => sma(close, 5));
      const [b, c] = trial(() => [sma(close, 6), sma(close, 7)]); // b evicts a, c evicts b: neither free yet
      expect(c.buffer === a.buffer).toBe(false);
      const d = trial(() => sma(close, 8)); // takes the memory of b, evicted in the trial before
      expect(d.buffer === b.buffer).toBe(true);
      expect(d).toEqual(smaInto(new Float64Array(close.length), close, 8));
    });

    it('never reuses a column another entry still holds, nor any memory when recycling is off', () => {
      const cache = new IndicatorCache(3 * bytes, { recycle: true });
      // An output that holds another indicator's output, as a channel may hold a cached moving average.
      const outer = withIndicatorCache(cache, () => cache.get('outer', [close], () => ({ line: sma(close, 5) })));
      const line = outer.line.slice();
      withIndicatorCache(cache, () => {
        sma(close, 6);
        sma(close, 7); // evicts sma(5); 'outer' still holds its column
      });
      expect(cache.stats.evictions).toBe(1);
      cache.recycleEvicted();
      const next = withIndicatorCache(cache, () => sma(close, 8));
      expect(next.buffer === outer.line.buffer).toBe(false);
      expect(outer.line).toEqual(line);

      const off = new IndicatorCache(bytes);
      const a = withIndicatorCache(off, () => sma(close, 5));
      withIndicatorCache(off, () => sma(close, 6));
      off.recycleEvicted();
      expect(withIndicatorCache(off, () => sma(close, 7)).buffer === a.buffer).toBe(false);
      expect(a).toEqual(smaInto(new Float64Array(close.length), close, 5));
    });
  });
});
