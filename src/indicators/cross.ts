/**
 * Crossovers as 0/1 flags in a Uint8Array. A comparison with NaN is false, so no cross is ever reported
 * where either side is NaN at bar i or bar i − 1. Flag 0 at bar 0 (no previous bar).
 */
import { checkFinite, checkLengths } from './common.js';

/** 1 where a crosses above b: a[i−1] <= b[i−1] and a[i] > b[i]; 0 elsewhere. */
export function crossoverInto(out: Uint8Array, a: Float64Array, b: Float64Array): Uint8Array {
  const n = a.length;
  checkLengths(n, [b, out], ['b', 'out']);
  if (n === 0) return out;
  out[0] = 0;
  // The previous bar's comparison is carried, and booleans combine with & (no branch per bar).
  let before = a[0] <= b[0];
  for (let i = 1; i < n; i++) {
    const x = a[i];
    const y = b[i];
    out[i] = +before & +(x > y);
    before = x <= y;
  }
  return out;
}

/** 1 where a crosses above b (a[i−1] <= b[i−1] and a[i] > b[i]). */
export function crossover(a: Float64Array, b: Float64Array): Uint8Array {
  return crossoverInto(new Uint8Array(a.length), a, b);
}

/** 1 where a crosses below b: a[i−1] >= b[i−1] and a[i] < b[i]; 0 elsewhere. */
export function crossunderInto(out: Uint8Array, a: Float64Array, b: Float64Array): Uint8Array {
  const n = a.length;
  checkLengths(n, [b, out], ['b', 'out']);
  if (n === 0) return out;
  out[0] = 0;
  let before = a[0] >= b[0];
  for (let i = 1; i < n; i++) {
    const x = a[i];
    const y = b[i];
    out[i] = +before & +(x < y);
    before = x >= y;
  }
  return out;
}

/** 1 where a crosses below b (a[i−1] >= b[i−1] and a[i] < b[i]). */
export function crossunder(a: Float64Array, b: Float64Array): Uint8Array {
  return crossunderInto(new Uint8Array(a.length), a, b);
}

/** 1 where a crosses above a fixed level: a[i−1] <= level and a[i] > level. */
export function crossoverLevelInto(out: Uint8Array, a: Float64Array, level: number): Uint8Array {
  checkFinite('level', level);
  const n = a.length;
  checkLengths(n, [out], ['out']);
  if (n > 0) out[0] = 0;
  for (let i = 1; i < n; i++) out[i] = a[i - 1] <= level && a[i] > level ? 1 : 0;
  return out;
}

/** 1 where a crosses above a fixed level (e.g. RSI crossing 30). */
export function crossoverLevel(a: Float64Array, level: number): Uint8Array {
  return crossoverLevelInto(new Uint8Array(a.length), a, level);
}

/** 1 where a crosses below a fixed level: a[i−1] >= level and a[i] < level. */
export function crossunderLevelInto(out: Uint8Array, a: Float64Array, level: number): Uint8Array {
  checkFinite('level', level);
  const n = a.length;
  checkLengths(n, [out], ['out']);
  if (n > 0) out[0] = 0;
  for (let i = 1; i < n; i++) out[i] = a[i - 1] >= level && a[i] < level ? 1 : 0;
  return out;
}

/** 1 where a crosses below a fixed level (e.g. RSI crossing 70 downward). */
export function crossunderLevel(a: Float64Array, level: number): Uint8Array {
  return crossunderLevelInto(new Uint8Array(a.length), a, level);
}
