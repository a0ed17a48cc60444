import { describe, expect, it } from 'vitest';
import { makeBars, type Bars } from '../../src/data/bars.js';
import { isWholeMultiple, resampleBars } from '../../src/data/resample.js';
import { parseTimeframe } from '../../src/data/timeframe.js';
import { describeShared, readSharedCsv } from '../helpers/shared.js';

type Row = [time: string | number, open: number, high: number, low: number, close: number, volume: number];

function bars(rows: Row[]): Bars {
  const col = (k: number) => Float64Array.from(rows, (r) => (k === 0 ? (typeof r[0] === 'string' ? Date.parse(r[0]) : r[0]) : (r[k] as number)));
  return makeBars({ time: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) }, { symbol: 'T', timeframe: '1m' });
}

const tf = parseTimeframe;
const rowsOf = (b: Bars) =>
  Array.from({ length: b.length }, (_, i) => [new Date(b.time[i]).toISOString(), b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]]);

describe('resampleBars: hand-built', () => {
  // 1m bars from 00:02 (mid-bucket), a hole over 00:10..00:19, the last bar at 00:21.
  const m = (min: number) => `2024-03-04T00:${String(min).padStart(2, '0')}:00Z`;
  const src = bars([
    [m(2), 10, 11, 9, 10.5, 1],
    [m(3), 10.5, 12, 10, 11, 2],
    [m(4), 11, 11.5, 8, 9, 3],
    [m(5), 9, 9.5, 8.5, 9.2, 4],
    [m(7), 9.2, 13, 9.1, 12, 5], // 00:06 missing inside the bucket
    [m(9), 12, 12.5, 11, 11.5, 6],
    [m(20), 20, 21, 19, 20.5, 7],
    [m(21), 20.5, 22, 20, 21, 8],
  ]);

  it('aggregates open/high/low/close/volume per UTC bucket, skips empty buckets, labels bucket starts', () => {
    const r = resampleBars(src, tf('1m'), tf('5m'));
    expect(rowsOf(r.bars)).toEqual([
      ['2024-03-04T00:00:00.000Z', 10, 12, 8, 9, 6],
      ['2024-03-04T00:05:00.000Z', 9, 13, 8.5, 11.5, 15],
      ['2024-03-04T00:20:00.000Z', 20, 22, 19, 21, 15],
    ]);
    expect(Array.from(r.counts)).toEqual([3, 3, 2]);
    expect(r.partialFirst).toBe(true);
    expect(r.partialLast).toBe(true);
    expect(r.bars.timeframe).toBe('5m');
    expect(r.bars.symbol).toBe('T');
    expect([r.from, r.to]).toEqual(['1m', '5m']);
  });

  it('a complete last bucket and a first bar on the boundary are not partial', () => {
    const b = bars([
      [m(0), 1, 2, 0.5, 1.5, 1],
      [m(4), 1.5, 2, 1, 1.2, 1],
      [m(5), 1.2, 3, 1, 2, 1],
      [m(9), 2, 2.5, 1.5, 2.2, 1],
    ]);
    const r = resampleBars(b, tf('1m'), tf('5m'));
    expect(r.partialFirst).toBe(false);
    expect(r.partialLast).toBe(false);
    expect(Array.from(r.counts)).toEqual([2, 2]);
    // Identity resample keeps every bar.
    expect(rowsOf(resampleBars(b, tf('1m'), tf('1m')).bars)).toEqual(rowsOf(b));
  });

  it('propagates NaN: NaN volume in any source bar makes the bucket volume NaN; prices too', () => {
    const b = bars([
      [m(0), 1, 2, 0.5, 1.5, NaN],
      [m(1), 1.5, 2, 1, 1.2, 3],
      [m(5), 1, 2, 0.5, 1.5, NaN],
      [m(6), 1, NaN, 0.5, 1.5, NaN],
      [m(10), 1, 2, 0.5, 1.5, 4],
    ]);
    const r = resampleBars(b, tf('1m'), tf('5m'));
    expect(Array.from(r.bars.volume)).toEqual([NaN, NaN, 4]);
    expect(Array.from(r.bars.high)).toEqual([2, NaN, 2]);
  });

  it('resamples to calendar months and to Monday-based weeks', () => {
    const D = 86_400_000;
    const start = Date.UTC(2024, 0, 29); // Monday 2024-01-29
    const daily: Row[] = Array.from({ length: 40 }, (_, i) => [start + i * D, 100 + i, 101 + i, 99 + i, 100.5 + i, 1]);
    const monthly = resampleBars(bars(daily), tf('1d'), tf('1mo'));
    // Jan 29..31 (3 days), Feb (29 days, leap year), Mar 1..8 (8 days).
    expect(rowsOf(monthly.bars).map((r) => r[0])).toEqual(['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
    expect(Array.from(monthly.counts)).toEqual([3, 29, 8]);
    expect(rowsOf(monthly.bars)[1]).toEqual(['2024-02-01T00:00:00.000Z', 103, 132, 102, 131.5, 29]);
    expect([monthly.partialFirst, monthly.partialLast]).toEqual([true, true]);
    const weekly = resampleBars(bars(daily), tf('1d'), tf('1w'));
    expect(weekly.bars.length).toBe(6);
    expect(new Date(weekly.bars.time[1]).toISOString()).toBe('2024-02-05T00:00:00.000Z');
    expect(Array.from(weekly.counts)).toEqual([7, 7, 7, 7, 7, 5]);
    expect([weekly.partialFirst, weekly.partialLast]).toEqual([false, true]);
    // Month-end labelled monthly bars to quarters: complete quarters are not partial.
    const ends = ['2012-01-31', '2012-02-29', '2012-03-31', '2012-04-30', '2012-05-31'].map((d, i) => [`${d}T00:00:00Z`, 1 + i, 2 + i, 0.5 + i, 1.5 + i, 1] as Row);
    const q = resampleBars(bars(ends), tf('1mo'), tf('3mo'));
    expect(Array.from(q.counts)).toEqual([3, 2]);
    expect([q.partialFirst, q.partialLast]).toEqual([false, true]);
  });

  it('returns an empty result for empty input', () => {
    const r = resampleBars(bars([]), tf('1m'), tf('1h'));
    expect(r.bars.length).toBe(0);
    expect([r.partialFirst, r.partialLast]).toEqual([false, false]);
  });

  it('knows which targets are whole multiples', () => {
    const ok = (a: string, b: string) => isWholeMultiple(tf(a), tf(b));
    expect(ok('1m', '5m') && ok('5m', '1h') && ok('1h', '1d') && ok('1d', '1w') && ok('1h', '1mo') && ok('1mo', '3mo') && ok('1w', '2w')).toBe(true);
    expect(ok('1h', '90m') || ok('1h', '30m') || ok('1w', '1mo') || ok('1mo', '1d') || ok('2mo', '3mo') || ok('2d', '1mo') || ok('7m', '1w')).toBe(false);
  });

  it('refuses a target that is not a whole multiple, in one sentence', () => {
    expect(() => resampleBars(src, tf('1h'), tf('90m'))).toThrow(RangeError);
    expect(() => resampleBars(src, tf('1h'), tf('90m'))).toThrow(/^Cannot resample 1h bars to 90m: 90m is not a whole multiple of 1h, so choose a target made of whole 1h bars\.$/);
    expect(() => resampleBars(src, tf('5m'), tf('1m'))).toThrow(RangeError);
  });

  it('refuses unsorted or duplicated times and spacing below one source bar', () => {
    const unsorted = bars([
      [m(1), 1, 2, 0.5, 1.5, 1],
      [m(0), 1, 2, 0.5, 1.5, 1],
    ]);
    expect(() => resampleBars(unsorted, tf('1m'), tf('5m'))).toThrow(/strictly ascending, but row 1 \(2024-03-04T00:00:00Z\) is not after row 0/);
    const dup = bars([
      [m(1), 1, 2, 0.5, 1.5, 1],
      [m(1), 1, 2, 0.5, 1.5, 1],
    ]);
    expect(() => resampleBars(dup, tf('1m'), tf('5m'))).toThrow(RangeError);
    expect(() => resampleBars(src, tf('5m'), tf('1h'))).toThrow(/less than one 5m bar/);
  });
});

/** Independent naive hourly resampler: group rows by Math.floor(t / 3600000). */
function naiveHourly(b: Bars) {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < b.length; i++) {
    const key = Math.floor(b.time[i] / 3_600_000);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(i);
  }
  const keys = [...groups.keys()].sort((x, y) => x - y);
  const rows = keys.map((k) => {
    const ix = groups.get(k)!;
    return {
      time: k * 3_600_000,
      open: b.open[ix[0]],
      high: ix.reduce((a, i) => Math.max(a, b.high[i]), -Infinity),
      low: ix.reduce((a, i) => Math.min(a, b.low[i]), Infinity),
      close: b.close[ix[ix.length - 1]],
      volume: ix.reduce((a, i) => a + b.volume[i], 0),
      count: ix.length,
    };
  });
  return rows;
}

describeShared('resampleBars on the shared real files, against a naive implementation', () => {
  const cases: Array<[string, string, boolean]> = [
    ['btc-perp_1m', '1m', true], // ends 05:31
    ['gbp-usd_1m', '1m', true], // ends with the single 00:00 bar of 2012-03-01
    ['usd-jpy_1m', '1m', true],
    ...['ada', 'dash', 'etc', 'eth', 'ltc', 'nxt', 'trx', 'xlm', 'xmr', 'zec'].map(
      (s) => [`${s}-btc_5m`, '5m', true] as [string, string, boolean], // 04:50 or 04:45 of a 04:00 bucket
    ),
  ];
  for (const [file, from, partial] of cases) {
    it(`${file} -> 1h equals the naive grouping field by field`, () => {
      const b = readSharedCsv(`${file}.csv`);
      const r = resampleBars(b, tf(from), tf('1h'));
      const naive = naiveHourly(b);
      expect(r.bars.length).toBe(naive.length);
      expect(Array.from(r.bars.time)).toEqual(naive.map((x) => x.time));
      expect(Array.from(r.bars.open)).toEqual(naive.map((x) => x.open));
      expect(Array.from(r.bars.high)).toEqual(naive.map((x) => x.high));
      expect(Array.from(r.bars.low)).toEqual(naive.map((x) => x.low));
      expect(Array.from(r.bars.close)).toEqual(naive.map((x) => x.close));
      expect(Array.from(r.bars.volume)).toEqual(naive.map((x) => x.volume));
      expect(Array.from(r.counts)).toEqual(naive.map((x) => x.count));
      expect(r.counts.reduce((a, c) => a + c, 0)).toBe(b.length);
      expect(r.partialLast).toBe(partial);
    });
  }

  it('btc-perp_1m -> 1h: 751 hourly bars, first bucket partial (starts 23:01)', () => {
    const r = resampleBars(readSharedCsv('btc-perp_1m.csv'), tf('1m'), tf('1h'));
    expect(r.partialFirst).toBe(true);
    expect(r.counts[0]).toBe(59);
    expect(r.counts[r.counts.length - 1]).toBe(32);
    expect(Array.from(r.counts.subarray(1, -1)).every((c) => c === 60)).toBe(true);
  });

  it('gbp-usd_1m -> 1h keeps NaN volume and leaves weekend hours missing', () => {
    const b = readSharedCsv('gbp-usd_1m.csv');
    const r = resampleBars(b, tf('1m'), tf('1h'));
    expect(r.bars.volume.every((v) => Number.isNaN(v))).toBe(true);
    const saturdays = Array.from(r.bars.time).filter((t) => new Date(t).getUTCDay() === 6);
    expect(saturdays).toEqual([]);
  });
});
