import { describe, expect, it } from 'vitest';
import { alignBars } from '../../src/data/align.js';
import { makeBars, type Bars } from '../../src/data/bars.js';
import { describeShared, readSharedCsv } from '../helpers/shared.js';

/** A series whose fields encode the time, so every aligned value can be checked by hand. */
function series(symbol: string | undefined, times: number[], offset = 0): Bars {
  const f = (k: number) => Float64Array.from(times, (t) => t * 10 + k + offset);
  return makeBars({ time: Float64Array.from(times), open: f(1), high: f(2), low: f(3), close: f(4), volume: f(5) }, symbol ? { symbol } : {});
}

describe('alignBars: hand-built', () => {
  const a = series('A', [1, 2, 4, 7]);
  const b = series('B', [2, 3, 4, 8], 1000);

  it('union: every time of any series, NaN where a series has no bar', () => {
    const p = alignBars([a, b], 'union');
    expect(Array.from(p.time)).toEqual([1, 2, 3, 4, 7, 8]);
    expect(p.symbols).toEqual(['A', 'B']);
    expect(p.mode).toBe('union');
    expect(Array.from(p.present[0])).toEqual([1, 1, 0, 1, 1, 0]);
    expect(Array.from(p.present[1])).toEqual([0, 1, 1, 1, 0, 1]);
    expect(Array.from(p.bars[0].close)).toEqual([14, 24, NaN, 44, 74, NaN]);
    expect(Array.from(p.bars[1].open)).toEqual([NaN, 1021, 1031, 1041, NaN, 1081]);
    expect(Array.from(p.bars[1].volume)).toEqual([NaN, 1025, 1035, 1045, NaN, 1085]);
    expect(Array.from(p.bars[1].time)).toEqual([1, 2, 3, 4, 7, 8]);
    expect(p.bars[0].symbol).toBe('A');
  });

  it('intersection: only times every series has', () => {
    const c = series('C', [0, 2, 4, 5, 7, 8]);
    const p = alignBars([a, b, c], 'intersection');
    expect(Array.from(p.time)).toEqual([2, 4]);
    expect(p.present.every((m) => Array.from(m).every((x) => x === 1))).toBe(true);
    expect(Array.from(p.bars[0].high)).toEqual([22, 42]);
    expect(Array.from(p.bars[1].low)).toEqual([1023, 1043]);
    expect(Array.from(p.bars[2].close)).toEqual([24, 44]);
  });

  it('defaults to union, names unnamed series, and handles empty inputs', () => {
    const p = alignBars([series(undefined, [5]), series(undefined, [])]);
    expect(p.symbols).toEqual(['series 0', 'series 1']);
    expect(Array.from(p.time)).toEqual([5]);
    expect(Array.from(p.present[1])).toEqual([0]);
    expect(alignBars([a, series('E', [])], 'intersection').time.length).toBe(0);
    const none = alignBars([], 'union');
    expect(none.time.length).toBe(0);
    expect(none.bars).toEqual([]);
  });

  it('refuses unsorted or duplicated times, naming the series and the row', () => {
    expect(() => alignBars([a, series('BAD', [1, 3, 2])], 'union')).toThrow(RangeError);
    expect(() => alignBars([a, series('BAD', [1, 3, 2])], 'union')).toThrow(/Cannot align "BAD": .* row 2 .* is not after row 1/);
    expect(() => alignBars([series('DUP', [1, 1])], 'intersection')).toThrow(/"DUP"/);
    expect(() => alignBars([a], 'outer' as never)).toThrow(/Unknown alignment "outer"/);
  });
});

const PAIRS = ['ada', 'dash', 'etc', 'eth', 'ltc', 'nxt', 'trx', 'xlm', 'xmr', 'zec'].map((s) => `${s}-btc_5m`);

describeShared('alignBars on the ten *-btc_5m files', () => {
  const all = () => PAIRS.map((f) => readSharedCsv(`${f}.csv`));

  it('union: 5760 bars from 2018-01-10T04:55Z to 2018-01-30T04:50Z, NaN exactly where a series has no bar', () => {
    const src = all();
    const p = alignBars(src, 'union');
    expect(p.time.length).toBe(5760);
    expect(new Date(p.time[0]).toISOString()).toBe('2018-01-10T04:55:00.000Z');
    expect(new Date(p.time[p.time.length - 1]).toISOString()).toBe('2018-01-30T04:50:00.000Z');
    expect(p.symbols).toEqual(PAIRS);
    // Independent union of the time sets.
    const naive = [...new Set(src.flatMap((s) => Array.from(s.time)))].sort((x, y) => x - y);
    expect(Array.from(p.time)).toEqual(naive);
    src.forEach((s, k) => {
      const out = p.bars[k];
      const mask = p.present[k];
      let nan = 0;
      let present = 0;
      const row = new Map(Array.from(s.time, (t, i) => [t, i] as const));
      for (let j = 0; j < p.time.length; j++) {
        const i = row.get(p.time[j]);
        if (Number.isNaN(out.close[j])) nan++;
        if (mask[j] === 1) {
          present++;
          if (i === undefined) throw new Error(`${PAIRS[k]} marked present at ${p.time[j]} without a source bar`);
          if (out.open[j] !== s.open[i!] || out.high[j] !== s.high[i!] || out.low[j] !== s.low[i!] || out.close[j] !== s.close[i!] || out.volume[j] !== s.volume[i!]) {
            throw new Error(`${PAIRS[k]} differs at ${new Date(p.time[j]).toISOString()}`);
          }
        } else if (i !== undefined || ![out.open[j], out.high[j], out.low[j], out.close[j], out.volume[j]].every(Number.isNaN)) {
          throw new Error(`${PAIRS[k]} at ${new Date(p.time[j]).toISOString()}: absent but has a source bar or a value`);
        }
      }
      expect(nan, PAIRS[k]).toBe(5760 - s.length);
      expect(present, PAIRS[k]).toBe(s.length);
    });
  });

  it('intersection: 5707 timestamps present in all ten', () => {
    const src = all();
    const p = alignBars(src, 'intersection');
    expect(p.time.length).toBe(5707);
    const sets = src.map((s) => new Set(Array.from(s.time)));
    const naive = Array.from(src[0].time).filter((t) => sets.every((set) => set.has(t)));
    expect(Array.from(p.time)).toEqual(naive);
    src.forEach((s, k) => {
      expect(p.present[k].every((x) => x === 1)).toBe(true);
      const row = new Map(Array.from(s.time, (t, i) => [t, i] as const));
      const closes = Array.from(p.time, (t) => s.close[row.get(t)!]);
      expect(Array.from(p.bars[k].close)).toEqual(closes);
    });
  });
});
