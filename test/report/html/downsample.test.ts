import { describe, expect, it } from 'vitest';
import { aggregateOhlc, lowerBound, minMaxIndices } from '../../../src/report/html/downsample.js';

/** Deterministic pseudo-random walk (mulberry32). */
function walk(n: number, seed: number, nanEvery = 0): Float64Array {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float64Array(n);
  let v = 100;
  for (let i = 0; i < n; i++) {
    v += rand() - 0.5;
    out[i] = nanEvery > 0 && i % nanEvery === 3 ? NaN : v;
  }
  return out;
}

/** The brute-force reference: slice each bucket, find each series' extremes by a plain scan (first occurrence). */
function reference(series: Float64Array[], from: number, to: number, buckets: number): number[] {
  const n = to - from;
  if (n <= 0) return [];
  if (n <= 2 * buckets) return Array.from({ length: n }, (_, i) => from + i);
  const keep = new Set<number>([from, to - 1]);
  for (let b = 0; b < buckets; b++) {
    const start = from + Math.floor((b * n) / buckets);
    const end = from + Math.floor(((b + 1) * n) / buckets);
    let any = false;
    for (const y of series) {
      const idx = Array.from({ length: end - start }, (_, k) => start + k).filter((i) => !Number.isNaN(y[i]));
      if (idx.length === 0) continue;
      any = true;
      const min = Math.min(...idx.map((i) => y[i]));
      const max = Math.max(...idx.map((i) => y[i]));
      keep.add(idx.find((i) => y[i] === min)!);
      keep.add(idx.find((i) => y[i] === max)!);
    }
    if (!any) keep.add(start);
  }
  return [...keep].sort((a, b) => a - b);
}

describe('minMaxIndices', () => {
  it('matches the brute-force reference over whole and partial ranges, several series, with gaps', () => {
    const a = walk(5003, 1, 17);
    const b = walk(5003, 2);
    for (const [from, to, buckets] of [[0, 5003, 100], [0, 5003, 7], [250, 4000, 333], [1000, 1100, 10], [0, 5003, 2501], [0, 5003, 2502], [10, 10, 5]]) {
      expect(Array.from(minMaxIndices([a, b], from, to, buckets)), `${from}-${to}/${buckets}`).toEqual(reference([a, b], from, to, buckets));
    }
  });

  it('keeps every extreme: the drawn range of each bucket is the data range of that bucket', () => {
    const y = walk(100_000, 7);
    const idx = minMaxIndices([y], 0, y.length, 500);
    expect(idx.length).toBeLessThanOrEqual(1000 + 2);
    const kept = Array.from(idx, (i) => y[i]);
    expect(Math.max(...kept)).toBe(Math.max(...y));
    expect(Math.min(...kept)).toBe(Math.min(...y));
  });

  it('a bucket of only NaN keeps one point so the gap stays a gap', () => {
    const y = new Float64Array(40).fill(1);
    for (let i = 10; i < 20; i++) y[i] = NaN;
    const idx = Array.from(minMaxIndices([y], 0, 40, 4));
    expect(idx).toContain(10);
    expect(y[10]).toBeNaN();
  });
});

describe('aggregateOhlc', () => {
  it('merges bars per bucket as a coarser timeframe would (hand-worked)', () => {
    const x = [0, 1, 2, 3, 4, 5];
    const open = [10, 11, 12, 13, 14, 15];
    const high = [12, 15, 13, 14, 20, 16];
    const low = [9, 10, 8, 12, 13, 11];
    const close = [11, 12, 13, 14, 15, 12];
    const c = aggregateOhlc(x, open, high, low, close, 0, 6, 2);
    expect(Array.from(c.x)).toEqual([0, 3]);
    expect(Array.from(c.open)).toEqual([10, 13]);
    expect(Array.from(c.high)).toEqual([15, 20]);
    expect(Array.from(c.low)).toEqual([8, 11]);
    expect(Array.from(c.close)).toEqual([13, 12]);
    // As many buckets as bars (or more): every bar as it is.
    expect(Array.from(aggregateOhlc(x, open, high, low, close, 0, 6, 10).high)).toEqual(high);
  });
});

describe('lowerBound', () => {
  it('finds the first index at or after a value', () => {
    const x = [1, 3, 3, 5];
    expect([0, 1, 2, 3, 4, 5, 6].map((v) => lowerBound(x, v))).toEqual([0, 0, 1, 1, 3, 3, 4]);
  });
});
