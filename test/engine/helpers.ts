/** Test helpers of the engine tests: plain-loop SMA crossover signals and tiny hand-made bar series. */
import { allocateBars, type Bars } from '../../src/data/bars.js';
import { mulberry32 } from '../../src/data/synthetic.js';
import type { SimOptions } from '../../src/engine/index.js';

/** Simple moving average by a plain loop; NaN until index window - 1. */
export function plainSma(x: Float64Array, window: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  for (let i = window - 1; i < x.length; i++) {
    let s = 0;
    for (let k = i - window + 1; k <= i; k++) s += x[k];
    out[i] = s / window;
  }
  return out;
}

/** Entries where fast crosses above slow, exits where it crosses below (both defined on i - 1 and i). */
export function crossSignals(close: Float64Array, fast: number, slow: number): { entries: Uint8Array; exits: Uint8Array } {
  const f = plainSma(close, fast);
  const s = plainSma(close, slow);
  const n = close.length;
  const entries = new Uint8Array(n);
  const exits = new Uint8Array(n);
  for (let i = 1; i < n; i++) {
    if (f[i - 1] <= s[i - 1] && f[i] > s[i]) entries[i] = 1;
    if (f[i - 1] >= s[i - 1] && f[i] < s[i]) exits[i] = 1;
  }
  return { entries, exits };
}

/** Bars from rows [open, high, low, close]; time = index minutes. */
export function barsOf(rows: ReadonlyArray<readonly [number, number, number, number]>): Bars {
  const b = allocateBars(rows.length);
  rows.forEach(([o, h, l, c], i) => {
    b.time[i] = i * 60_000;
    b.open[i] = o;
    b.high[i] = h;
    b.low[i] = l;
    b.close[i] = c;
    b.volume[i] = 1;
  });
  return b;
}

/** A 0/1 column of length n with ones at the given indices. */
export function ones(n: number, at: readonly number[]): Uint8Array {
  const a = new Uint8Array(n);
  for (const i of at) a[i] = 1;
  return a;
}

/** Random 0/1 column with probability p from a seeded mulberry32. */
export function randomFlags(n: number, p: number, seed: number): Uint8Array {
  const r = mulberry32(seed);
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = r() < p ? 1 : 0;
  return a;
}

/** Max relative difference of two equal-length series (absolute below 1). */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i]), Math.abs(b[i]));
    if (Number.isNaN(d)) return Infinity;
    if (d > m) m = d;
  }
  return m;
}

/** Option combinations exercised by the invariant and look-ahead tests. */
export const COMBOS: Array<[string, SimOptions]> = [
  ['open fills, fees', { feeRate: 0.001 }],
  ['close fills, fixed fee + slippage', { fill: 'close', feeRate: 0.0005, fixedFee: 1, slippageBps: 5 }],
  ['short, stops', { direction: 'short', stopLoss: { kind: 'pct', value: 0.02 }, takeProfit: { kind: 'pct', value: 0.03 } }],
  [
    'both, trailing + ATR stop, slippage',
    { direction: 'both', trailingStop: { kind: 'pct', value: 0.015 }, stopLoss: { kind: 'atr', multiple: 2, period: 14 }, slippageBps: 3, feeRate: 0.001 },
  ],
  ['vol-target, whole units, leverage 2', { size: { kind: 'vol-target', annualVol: 0.4, lookback: 48, periodsPerYear: 8760 }, lotSize: 0.01, leverage: 2, feeRate: 0.001 }],
  ['kelly, max hold, target first', { size: { kind: 'kelly', fraction: 0.5, minTrades: 10 }, maxHold: 24, takeProfit: { kind: 'atr', multiple: 3, period: 10 }, stopLoss: { kind: 'pct', value: 0.01 }, stopFirst: false }],
  ['cash sizing, both, close', { fill: 'close', direction: 'both', size: { kind: 'cash', amount: 2500 }, fixedFee: 0.5 }],
];

export function signalsFor(options: SimOptions, n: number, seed: number) {
  const d = options.direction ?? 'long';
  const long = { entries: randomFlags(n, 0.03, seed), exits: randomFlags(n, 0.03, seed + 1) };
  const short = { shortEntries: randomFlags(n, 0.03, seed + 2), shortExits: randomFlags(n, 0.03, seed + 3) };
  return d === 'long' ? long : d === 'short' ? short : { ...long, ...short };
}

