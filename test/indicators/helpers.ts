/** Test helpers for the indicator kernels: seeded random OHLCV series and strict series comparison. */
import { expect } from 'vitest';
import { mulberry32 } from '../../src/data/synthetic.js';

export interface Ohlcv {
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
}

/**
 * A random OHLCV walk from mulberry32(seed). `tick` > 0 rounds prices to that step, which produces ties
 * (equal highs, unchanged closes, flat windows) that exercise the tie rules.
 */
export function randomOhlcv(seed: number, n: number, opts: { start?: number; vol?: number; tick?: number } = {}): Ohlcv {
  const rand = mulberry32(seed);
  const start = opts.start ?? 100;
  const vol = opts.vol ?? 0.02;
  const tick = opts.tick ?? 0;
  const q = (x: number) => (tick > 0 ? Math.max(tick, Math.round(x / tick) * tick) : x);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  let prev = start;
  for (let i = 0; i < n; i++) {
    // Volatility regime changes every ~50 bars so some windows are calm and some wild.
    const regime = 0.2 + 2 * Math.abs(Math.sin(i / 50 + seed));
    const o = q(prev);
    const c = q(prev * (1 + vol * regime * (rand() - 0.5)));
    const h = q(Math.max(o, c) * (1 + vol * regime * rand() * 0.5));
    const l = q(Math.min(o, c) * (1 - vol * regime * rand() * 0.5));
    open[i] = o;
    high[i] = Math.max(h, o, c);
    low[i] = Math.min(l, o, c);
    close[i] = c;
    volume[i] = tick > 0 ? Math.round(rand() * 20) : rand() * 1000;
    prev = c;
  }
  return { open, high, low, close, volume, length: n };
}

/** Plain random values in [lo, hi). */
export function randomSeries(seed: number, n: number, lo = -1, hi = 1): Float64Array {
  const rand = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rand();
  return out;
}

/** Number of leading NaNs. */
export function leadingNaNs(a: ArrayLike<number>): number {
  let k = 0;
  while (k < a.length && Number.isNaN(a[k])) k++;
  return k;
}

/**
 * Asserts that `actual` and `expected` have NaN at exactly the same indices and elsewhere agree within
 * abs + rel·|expected|. Reports the first failing index. Returns the number of non-NaN values compared.
 */
export function expectSeriesClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  opts: { rel?: number; abs?: number; from?: number; label?: string } = {},
): number {
  const rel = opts.rel ?? 1e-9;
  const abs = opts.abs ?? 0;
  const from = opts.from ?? 0;
  const label = opts.label ?? '';
  expect(actual.length, `${label} length`).toBe(expected.length);
  let compared = 0;
  for (let i = from; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) {
        expect.fail(`${label} index ${i}: got ${a}, expected ${e} (NaN mismatch)`);
      }
      continue;
    }
    const tol = abs + rel * Math.abs(e);
    if (!(Math.abs(a - e) <= tol)) {
      expect.fail(`${label} index ${i}: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > ${tol})`);
    }
    compared++;
  }
  return compared;
}

/** Lays library output (which omits the warm-up) onto the series' index: value k lands at offset + k. */
export function align(n: number, values: ArrayLike<number | undefined>, offset: number): Float64Array {
  const out = new Float64Array(n).fill(NaN);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (offset + k < n) out[offset + k] = v === undefined ? NaN : v;
  }
  return out;
}

/** Copy of a series with NaN written at the given indices. */
export function withNaNs(src: Float64Array, at: number[]): Float64Array {
  const out = Float64Array.from(src);
  for (const i of at) out[i] = NaN;
  return out;
}

/** Runs of valid (non-NaN) indices of a mask: [start, end) pairs. */
export function validRuns(isBad: (i: number) => boolean, n: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let i = 0;
  while (i < n) {
    if (isBad(i)) {
      i++;
      continue;
    }
    let e = i + 1;
    while (e < n && !isBad(e)) e++;
    runs.push([i, e]);
    i = e;
  }
  return runs;
}

/** Tail region compare for indicators whose second library seeds differently: only indices >= from. */
export function tailFrom(n: number, fraction: number): number {
  return Math.floor(n * fraction);
}
