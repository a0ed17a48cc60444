import { describe, expect, it } from 'vitest';
import { makeBars } from '../../src/data/bars.js';
import { compareBars } from '../../src/fetch/crosscheck.js';

const bars = (rows: number[][]) =>
  makeBars({
    time: Float64Array.from(rows.map((r) => r[0])),
    open: Float64Array.from(rows.map((r) => r[1])),
    high: Float64Array.from(rows.map((r) => r[2])),
    low: Float64Array.from(rows.map((r) => r[3])),
    close: Float64Array.from(rows.map((r) => r[4])),
    volume: Float64Array.from(rows.map((r) => r[5])),
  });

describe('compareBars', () => {
  it('reports exactly the fields beyond the tolerance, worked by hand', () => {
    const a = bars([
      [0, 100, 110, 90, 105, 1000],
      [1, 105, 112, 100, 110, 2000],
      [2, 110, 120, 108, 115, 0],
      [3, 115, 118, 111, 112, NaN],
      [5, 112, 113, 110, 111, 50],
    ]);
    const b = bars([
      [0, 100.09, 110, 90, 105, 1049], // open +9 bps, volume +4.9 %: within 10 bps / 5 %
      [1, 105, 112, 100, 110.2, 2200], // close +18.18 bps, volume +10 %
      [2, 110, 120, 108, 115, 3], // volume from 0: any other value differs (no percent)
      [3, 115, 118, 111, 112, 7], // volume on one side only
      [4, 1, 1, 1, 1, 1], // only in b
    ]);
    const r = compareBars(a, b, ['a', 'b'], { priceBps: 10, volumePct: 5 });
    expect(r).toMatchObject({ compared: 4, onlyA: 1, onlyB: 1, differingBars: 3, byField: { close: 1, volume: 3 } });
    expect(r.differences).toEqual([
      { time: '1970-01-01T00:00:00.001Z', field: 'close', a: 110, b: 110.2, difference: expect.closeTo((0.2 / 110) * 10_000, 9) },
      { time: '1970-01-01T00:00:00.001Z', field: 'volume', a: 2000, b: 2200, difference: expect.closeTo(10, 9) },
      { time: '1970-01-01T00:00:00.002Z', field: 'volume', a: 0, b: 3, difference: null },
      { time: '1970-01-01T00:00:00.003Z', field: 'volume', a: null, b: 7, difference: null },
    ]);
    // A looser tolerance leaves only what no tolerance can excuse.
    expect(compareBars(a, b, ['a', 'b'], { priceBps: 20, volumePct: 10 }).byField).toEqual({ volume: 2 });
  });
});
