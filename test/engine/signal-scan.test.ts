/**
 * The quiet-bar scans read the signal columns four bars at a time when a column starts 4-byte aligned, and
 * byte by byte otherwise: every alignment, sparse signals next to word edges and the last bars, and any
 * non-zero flag value must give what the plain reference loop gives.
 */
import { describe, expect, it } from 'vitest';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { simulate, type SimOptions } from '../../src/engine/index.js';
import type { Signals } from '../../src/engine/types.js';
import { maxRelDiff, randomFlags } from './helpers.js';
import { referenceSimulate, type RefOptions } from './reference.js';

/** `column` copied into a fresh buffer starting `offset` bytes in: a subarray at that byte offset. */
function atOffset(column: Uint8Array, offset: number): Uint8Array {
  const holder = new Uint8Array(column.length + offset + 3);
  holder.set(column, offset);
  return holder.subarray(offset, offset + column.length);
}

/** Sparse flags (about one bar in 100), plus flags on the first bar, around word edges and on the last bars. */
function sparse(n: number, seed: number): Uint8Array {
  const a = randomFlags(n, 1 / 100, seed);
  for (const i of [0, 3, 4, 7, 8, n - 5, n - 4, n - 2, n - 1]) if ((i + seed) % 3 === 0) a[i] = 1;
  return a;
}

const n = 8_003; // not a multiple of 4: the last word is partial
const bars = benchmarkBars(n, 11);
const columns = { entries: sparse(n, 1), exits: sparse(n, 2), shortEntries: sparse(n, 3), shortExits: sparse(n, 4) };

type Case = [name: string, names: readonly (keyof Signals)[], options: SimOptions, ref: RefOptions];
const cases: Case[] = [
  ['long, fill at close', ['entries', 'exits'], { fill: 'close', feeRate: 0.001 }, { fill: 'close', feeRate: 0.001 }],
  ['long, fill at open, max hold 40', ['entries', 'exits'], { feeRate: 0.001, maxHold: 40 }, { feeRate: 0.001, maxHold: 40 }],
  ['short', ['shortEntries', 'shortExits'], { direction: 'short', feeRate: 0.001 }, { direction: 'short', feeRate: 0.001 }],
  ['both directions', ['entries', 'exits', 'shortEntries', 'shortExits'], { direction: 'both', slippageBps: 2 }, { direction: 'both', slippageBps: 2 }],
  ['both, entries only (absent exits)', ['entries', 'shortEntries'], { direction: 'both', fill: 'close' }, { direction: 'both', fill: 'close' }],
];

describe.each(cases)('signal columns at every byte offset: %s', (_, names, options, refOptions) => {
  const given = Object.fromEntries(names.map((k) => [k, columns[k]])) as Signals;
  const ref = referenceSimulate(bars, given, refOptions);

  it('equals the reference loop bar by bar at offsets 0 to 7', () => {
    expect(ref.orders).toBeGreaterThan(20);
    for (let offset = 0; offset < 8; offset++) {
      const shifted = Object.fromEntries(names.map((k, i) => [k, atOffset(columns[k], (offset + i) % 8)])) as Signals;
      const r = simulate(bars, shifted, options);
      expect(r.orders.count, `offset ${offset}`).toBe(ref.orders);
      expect(maxRelDiff(r.equity, ref.equity), `offset ${offset}`).toBeLessThan(1e-9);
      expect(maxRelDiff(r.position, ref.position), `offset ${offset}`).toBeLessThan(1e-9);
    }
  });

  it('treats any non-zero flag as a signal', () => {
    const one = simulate(bars, given, options);
    const other = Object.fromEntries(names.map((k, i) => [k, columns[k].map((v) => v * [255, 2, 128, 7][i])])) as Signals;
    const r = simulate(bars, other, options);
    expect(r.orders.count).toBe(one.orders.count);
    expect(Array.from(r.equity)).toEqual(Array.from(one.equity));
  });
});

it('finds a lone signal anywhere: one entry at bar k, one exit at bar k + 9, for every k near the words of a short series', () => {
  const m = 61;
  const b = benchmarkBars(m, 3);
  for (let k = 0; k + 9 < m; k++) {
    const entries = new Uint8Array(m);
    const exits = new Uint8Array(m);
    entries[k] = 1;
    exits[k + 9] = 1;
    const r = simulate(b, { entries, exits }, { fill: 'close' });
    expect(r.orders.count, `k ${k}`).toBe(2);
    expect(r.orders.bar[0]).toBe(k);
    expect(r.orders.bar[1]).toBe(k + 9);
    expect(r.exposureBars).toBe(9);
  }
});
