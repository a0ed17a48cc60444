import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/data/synthetic.js';
import { UserError } from '../../src/errors.js';
import {
  bandSteps,
  equityBands,
  mergeMonteCarlo,
  monteCarlo,
  pathSeed,
  percentileRank,
  permuteInto,
  PathRng,
  quantileSorted,
  wilsonInterval,
  type MonteCarloOptions,
} from '../../src/research/montecarlo/index.js';
import { allocateColumns, walkPath } from '../../src/research/montecarlo/walk.js';

/** Trade returns with mixed signs and sizes, reproducible. */
function sampleTrades(n: number, seed = 7): Float64Array {
  const rand = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = 0.04 * (rand() - 0.47);
  return out;
}

/** log C(n, k), exact enough for binomial sums at n = 100. */
function binomialPmf(n: number, k: number): number {
  let logC = 0;
  for (let i = 1; i <= k; i++) logC += Math.log(n - k + i) - Math.log(i);
  return Math.exp(logC - n * Math.LN2);
}

function binomialCdf(n: number, k: number): number {
  let s = 0;
  for (let i = 0; i <= k; i++) s += binomialPmf(n, i);
  return s;
}

describe('random streams', () => {
  it('PathRng is mulberry32 (the generator of src/data/synthetic.ts), value for value', () => {
    const reference = mulberry32(123456789);
    const rng = new PathRng();
    rng.reset(123456789);
    for (let i = 0; i < 1000; i++) expect(rng.next()).toBe(reference());
  });

  it('gives every path of a study its own seed', () => {
    const seeds = new Set<number>();
    for (let i = 0; i < 100_000; i++) seeds.add(pathSeed(42, i));
    expect(seeds.size).toBe(100_000);
    expect(pathSeed(42, 0)).not.toBe(pathSeed(43, 0));
  });

  it('permutes uniformly: each of the 6 orders of 3 trades about 1/6 of the time', () => {
    const source = new Float64Array([1, 2, 3]);
    const out = new Float64Array(3);
    const rng = new PathRng();
    const counts = new Map<string, number>();
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      rng.reset(pathSeed(1, i));
      permuteInto(source, out, rng);
      const key = out.join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    // Each count is Binomial(60000, 1/6): sd 91; 5 sd = 456.
    for (const c of counts.values()) expect(Math.abs(c - n / 6)).toBeLessThan(456);
  });
});

describe('summaries, hand-checked', () => {
  it('quantiles are type 7 (linear between order statistics)', () => {
    const s = new Float64Array([1, 2, 3, 4, 5]);
    // h = (n - 1) q = 4q: q=0.05 -> h=0.2 -> 1 + 0.2 x (2 - 1) = 1.2; q=0.95 -> h=3.8 -> 4.8.
    expect(quantileSorted(s, 0.05)).toBeCloseTo(1.2, 15);
    expect(quantileSorted(s, 0.25)).toBe(2);
    expect(quantileSorted(s, 0.5)).toBe(3);
    expect(quantileSorted(s, 0.95)).toBeCloseTo(4.8, 15);
    expect(quantileSorted(new Float64Array([10, 20]), 0.25)).toBe(12.5);
  });

  it('bands take each step across paths', () => {
    // 5 paths x 3 steps, path-major. Step 1 column is 5, 1, 4, 2, 3 -> sorted 1..5 -> 1.2/2/3/4/4.8.
    const samples = new Float64Array([100, 5, 50, 100, 1, 10, 100, 4, 40, 100, 2, 20, 100, 3, 30]);
    const bands = equityBands(samples, 5, new Int32Array([0, 1, 2]));
    expect(Array.from(bands.p50)).toEqual([100, 3, 30]);
    expect(bands.p5[1]).toBeCloseTo(1.2, 14);
    expect(bands.p95[1]).toBeCloseTo(4.8, 14);
    expect(bands.p25[2]).toBe(20);
    expect(bands.p75[2]).toBe(40);
    expect(bands.p95[2]).toBeCloseTo(48, 12);
  });

  it('samples at most bandPoints steps, always the first and the last', () => {
    expect(Array.from(bandSteps(10, 3))).toEqual([0, 5, 10]);
    expect(Array.from(bandSteps(2, 101))).toEqual([0, 1, 2]);
    expect(Array.from(bandSteps(7, 2))).toEqual([0, 7]);
  });

  it('bands of a 2-trade permutation: 1 at step 0, 1.2 at step 2, and 1.5 or 0.8 at step 1', () => {
    // Orders (+50%, -20%): 1 -> 1.5 -> 1.2; (-20%, +50%): 1 -> 0.8 -> 1.2.
    const r = monteCarlo({ trades: new Float64Array([0.5, -0.2]), initialEquity: 1, method: 'permute', runs: 5, seed: 3 });
    expect(Array.from(r.bands.steps)).toEqual([0, 1, 2]);
    for (const band of [r.bands.p5, r.bands.p25, r.bands.p50, r.bands.p75, r.bands.p95]) {
      expect(band[0]).toBe(1);
      expect(band[2]).toBeCloseTo(1.2, 14);
    }
    let k = 0; // paths that went up first
    for (let i = 0; i < 5; i++) if (r.paths.bandSamples[i * 3 + 1] > 1) k++;
    // Sorted step-1 column: (5 - k) x 0.8 then k x 1.5; type 7 at h = 4q.
    const column = [...Array<number>(5 - k).fill(0.8), ...Array<number>(k).fill(1.5)];
    expect(r.bands.p50[1]).toBeCloseTo(quantileSorted(column, 0.5), 14);
    expect(r.bands.p5[1]).toBeCloseTo(quantileSorted(column, 0.05), 14);
    expect(r.bands.p95[1]).toBeCloseTo(quantileSorted(column, 0.95), 14);
    // Two-trade drawdown is 20% in both orders.
    expect(r.maxDrawdown.min).toBeCloseTo(0.2, 14);
    expect(r.maxDrawdown.max).toBeCloseTo(0.2, 14);
  });

  it('walks one path by hand: final return, drawdown, Sharpe, ruin', () => {
    const cols = allocateColumns(1, 2);
    const spec = { initialEquity: 100, ruinEquity: 50, compound: true, bandSteps: new Int32Array([0, 3]), annualizer: 1 };
    walkPath(new Float64Array([0.1, -0.05, 0.2]), spec, cols, 0);
    // 100 -> 110 -> 104.5 -> 125.4; drawdown 5.5 / 110 = 5%.
    expect(cols.finalReturn[0]).toBeCloseTo(0.254, 14);
    expect(cols.maxDrawdown[0]).toBeCloseTo(0.05, 14);
    // mean 0.08333 / sample sd 0.125831 (Python statistics.mean / statistics.stdev).
    expect(cols.sharpe[0]).toBeCloseTo(0.662266178532522, 12);
    expect(cols.ruined[0]).toBe(0);
    expect(cols.bandSamples[0]).toBe(100);
    expect(cols.bandSamples[1]).toBeCloseTo(125.4, 11);
    // Fixed sizing: every return is of initial equity: 100 + 10 - 60 = 50, at the ruin level.
    walkPath(new Float64Array([0.1, -0.6]), { ...spec, compound: false }, cols, 0);
    expect(cols.finalReturn[0]).toBeCloseTo(-0.5, 14);
    expect(cols.maxDrawdown[0]).toBeCloseTo(60 / 110, 14);
    expect(cols.ruined[0]).toBe(1);
  });

  it('ranks the actual value among the paths (mid rank for ties)', () => {
    const v = new Float64Array([1, 2, 3, 4, NaN]);
    expect(percentileRank(v, 2.5)).toBe(50);
    expect(percentileRank(v, 3)).toBe(62.5); // (2 below + 1/2) / 4
    expect(percentileRank(v, 0)).toBe(0);
  });

  it('Wilson intervals match Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3', () => {
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [r, n, lo, hi] of cases) {
      const [l, h] = wilsonInterval(r, n);
      expect(Math.abs(l - lo)).toBeLessThan(5e-5);
      expect(Math.abs(h - hi)).toBeLessThan(5e-5);
    }
  });
});

describe('monteCarlo', () => {
  const trades = sampleTrades(200);

  it('permutation keeps final equity to 1e-12 relative and reports no final-return distribution', () => {
    const r = monteCarlo({ trades, initialEquity: 10_000, method: 'permute', runs: 500, seed: 42 });
    for (let i = 0; i < 500; i++) {
      expect(Math.abs((1 + r.paths.finalReturn[i]) / (1 + r.actual.finalReturn) - 1)).toBeLessThan(1e-12);
    }
    expect(r.finalReturn).toBeNull();
    expect(r.sharpe).toBeNull();
    expect(r.actual.finalReturnRank).toBeNull();
    expect(r.notes[0]).toMatch(/Permutation/);
    // The final band is that same equity.
    const last = r.bands.steps.length - 1;
    expect(r.bands.p5[last] / (10_000 * (1 + r.actual.finalReturn))).toBeCloseTo(1, 12);
    // Drawdown does vary with order: that is what permutation measures.
    expect(r.maxDrawdown.max).toBeGreaterThan(r.maxDrawdown.min);
  });

  it('the same seed gives the same result; another seed another', () => {
    const opts: MonteCarloOptions = { trades, initialEquity: 1, method: 'bootstrap', runs: 300, seed: 9 };
    expect(monteCarlo(opts)).toEqual(monteCarlo(opts));
    expect(monteCarlo({ ...opts, seed: 10 }).paths.finalReturn).not.toEqual(monteCarlo(opts).paths.finalReturn);
  });

  it.each(['permute', 'bootstrap', 'returns', 'block'] as const)('%s: 3 slices merged equal one run, bit for bit', (method) => {
    const opts: MonteCarloOptions = { trades, returns: trades, initialEquity: 100, method, runs: 301, seed: 5, bandPoints: 17 };
    const whole = monteCarlo(opts);
    const parts = [
      [200, 301],
      [0, 77],
      [77, 200],
    ].map(([a, b]) => monteCarlo({ ...opts, pathRange: [a, b] }));
    const merged = mergeMonteCarlo(parts);
    expect(merged).toEqual(whole);
    // toEqual treats typed arrays by value; check the bits of one column too (no -0 / NaN surprises).
    expect(Buffer.from(merged.paths.sharpe.buffer).equals(Buffer.from(whole.paths.sharpe.buffer))).toBe(true);
    expect(Buffer.from(merged.bands.p50.buffer).equals(Buffer.from(whole.bands.p50.buffer))).toBe(true);
  });

  it('bootstrap: distributions surround the actual result', () => {
    const r = monteCarlo({ trades, initialEquity: 1, method: 'bootstrap', runs: 2000, seed: 1 });
    const fr = r.finalReturn!;
    expect(fr.count).toBe(2000);
    expect(fr.p5).toBeLessThan(fr.p25);
    expect(fr.p25).toBeLessThan(fr.p50);
    expect(fr.p50).toBeLessThan(fr.p75);
    expect(fr.p75).toBeLessThan(fr.p95);
    // Resampling the same trades: the actual result is a typical path, not an extreme one.
    expect(r.actual.finalReturnRank!).toBeGreaterThan(10);
    expect(r.actual.finalReturnRank!).toBeLessThan(90);
    expect(r.actual.sharpeRank!).toBeGreaterThan(10);
    expect(r.actual.sharpeRank!).toBeLessThan(90);
    // Median path Sharpe near the actual one (same trades, resampled): within 3 standard errors of 1/sqrt(n).
    expect(Math.abs(r.sharpe!.p50 - r.actual.sharpe)).toBeLessThan(3 / Math.sqrt(200));
  });
});

describe('probability of ruin against the gambler\'s ruin (reflection principle)', () => {
  // Fixed-amount bets of +-1 unit on 8 units (returns +-0.125 of initial equity, exact in binary):
  // ruin at 0.5 is the walk S_k reaching -4 within n = 100 bets.
  const n = 100;
  const trades = new Float64Array(n);
  for (let i = 0; i < n; i++) trades[i] = i % 2 === 0 ? 0.125 : -0.125;
  const runs = 20_000;

  it('bootstrap (independent fair coin flips): P = P(S_n <= -4) + P(S_n < -4)', () => {
    // S_n = 2U - n with U ~ Binomial(100, 1/2): S_n <= -4 <=> U <= 48; S_n < -4 <=> U <= 47.
    const exact = binomialCdf(n, 48) + binomialCdf(n, 47);
    expect(exact).toBeCloseTo(0.6908264239959594, 12); // the same sum in Python with exact integers
    const r = monteCarlo({ trades, initialEquity: 8, method: 'bootstrap', sizing: 'fixed', runs, seed: 42 });
    const se = Math.sqrt((exact * (1 - exact)) / runs);
    expect(Math.abs(r.ruin.probability - exact)).toBeLessThan(2 * se);
    expect(r.ruin.ci95[0]).toBeLessThan(exact);
    expect(r.ruin.ci95[1]).toBeGreaterThan(exact);
  });

  it('permutation (a bridge: 50 wins, 50 losses in random order): P = C(100, 54) / C(100, 50)', () => {
    // Reflecting a bridge after its first visit to -4 maps it onto the paths from 0 to -8.
    const exact = binomialPmf(n, 54) / binomialPmf(n, 50);
    expect(exact).toBeCloseTo(0.7282190412046128, 12);
    const r = monteCarlo({ trades, initialEquity: 8, method: 'permute', sizing: 'fixed', runs, seed: 42 });
    const se = Math.sqrt((exact * (1 - exact)) / runs);
    expect(Math.abs(r.ruin.probability - exact)).toBeLessThan(2 * se);
  });
});

describe('bad input is one sentence', () => {
  const trades = new Float64Array([0.01, -0.02]);
  const base: MonteCarloOptions = { trades, initialEquity: 1, method: 'bootstrap', runs: 10, seed: 1 };
  it.each<[string, Partial<MonteCarloOptions>, RegExp]>([
    ['runs 0', { runs: 0 }, /runs must be a whole number/],
    ['fractional runs', { runs: 2.5 }, /runs must be a whole number/],
    ['unknown method', { method: 'boostrap' as never }, /Unknown Monte Carlo method "boostrap". Did you mean "bootstrap"\?/],
    ['no returns for block', { method: 'block' }, /Method block needs per-bar returns/],
    ['empty trades', { trades: new Float64Array(0) }, /is empty/],
    ['NaN trade', { trades: new Float64Array([0.1, NaN]) }, /not a finite number at position 1/],
    ['loss above 100%', { trades: new Float64Array([-1.5]) }, /below -1/],
    ['inverted range', { pathRange: [5, 2] }, /pathRange must be/],
    ['range past runs', { pathRange: [0, 11] }, /pathRange must be/],
    ['ruin level 1', { ruinLevel: 1 }, /ruinLevel must be/],
    ['equity 0', { initialEquity: 0 }, /initialEquity must be/],
    ['block length 0.5', { method: 'block', returns: trades, blockLength: 0.5 }, /blockLength must be/],
  ])('%s', (_name, patch, message) => {
    expect(() => monteCarlo({ ...base, ...patch })).toThrow(UserError);
    expect(() => monteCarlo({ ...base, ...patch })).toThrow(message);
  });

  it('refuses to merge a gap, an overlap, or different studies', () => {
    const a = monteCarlo({ ...base, pathRange: [0, 4] });
    const b = monteCarlo({ ...base, pathRange: [4, 10] });
    expect(() => mergeMonteCarlo([a])).toThrow(/some are missing/);
    expect(() => mergeMonteCarlo([a, monteCarlo({ ...base, pathRange: [5, 10] })])).toThrow(/gap at path 4/);
    expect(() => mergeMonteCarlo([a, monteCarlo({ ...base, pathRange: [3, 10] })])).toThrow(/overlap at path 3/);
    expect(() => mergeMonteCarlo([a, monteCarlo({ ...base, seed: 2, pathRange: [4, 10] })])).toThrow(/different studies/);
    expect(() => mergeMonteCarlo([])).toThrow(UserError);
    expect(mergeMonteCarlo([b, a])).toEqual(monteCarlo(base));
  });
});

describe('speed (measured, not asserted)', () => {
  it('10,000 bootstrap runs over 1,000 trades', () => {
    const trades = sampleTrades(1000, 11);
    const t0 = performance.now();
    const r = monteCarlo({ trades, initialEquity: 10_000, method: 'bootstrap', runs: 10_000, seed: 42 });
    const ms = performance.now() - t0;
    console.log(`monteCarlo: 10,000 bootstrap runs x 1,000 trades in ${ms.toFixed(0)} ms`);
    expect(r.ruin.runs).toBe(10_000);
  });
});
