import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { Mulberry32 } from '../../src/stats/mulberry32.js';
import { parseWindowLength, walkForwardWindows, type WindowSettings } from '../../src/research/walkforward/windows.js';

const DAY = 86_400_000;
const MONDAY = Date.UTC(2024, 0, 1); // 2024-01-01 was a Monday

/** n regular daily bars. */
const daily = (n: number) => Float64Array.from({ length: n }, (_, i) => MONDAY + i * DAY);
/** Weekday-only daily bars for `weeks` weeks (5 a week). */
const weekdays = (weeks: number) => Float64Array.from({ length: weeks * 5 }, (_, i) => MONDAY + (Math.floor(i / 5) * 7 + (i % 5)) * DAY);

const L = (text: string, flag: 'train' | 'test' | 'purge' | 'embargo' = 'train') => parseWindowLength(text, flag);
const settings = (train: string, test: string, extra: { anchored?: boolean; purge?: string; embargo?: string } = {}): WindowSettings => ({
  train: L(train, 'train'),
  test: L(test, 'test'),
  ...(extra.anchored ? { anchored: true } : {}),
  ...(extra.purge ? { purge: L(extra.purge, 'purge') } : {}),
  ...(extra.embargo ? { embargo: L(extra.embargo, 'embargo') } : {}),
});
const ranges = (time: Float64Array, s: WindowSettings) => walkForwardWindows(time, s).map((w) => [w.train.from, w.train.to, w.test.from, w.test.to]);

describe('walk-forward windows: hand-worked layouts', () => {
  it('rolling, in bars: tests tile the data after the first training range', () => {
    expect(ranges(daily(20), settings('5', '3b'))).toEqual([
      [0, 5, 5, 8],
      [3, 8, 8, 11],
      [6, 11, 11, 14],
      [9, 14, 14, 17],
      [12, 17, 17, 20],
    ]);
  });

  it('anchored: every training range starts at bar 0', () => {
    expect(ranges(daily(20), settings('5', '3', { anchored: true }))).toEqual([
      [0, 5, 5, 8],
      [0, 8, 8, 11],
      [0, 11, 11, 14],
      [0, 14, 14, 17],
      [0, 17, 17, 20],
    ]);
  });

  it('purge and embargo: a gap before each test; the bars after a test are neither tested nor trained on next', () => {
    // first test after 5 train + 1 purge = bar 6; the next test starts 2 bars after each test ends; window 1
    // trains up to the end of test 0 (bar 9), not into its embargo (bars 9, 10).
    expect(ranges(daily(20), settings('5', '3', { purge: '1', embargo: '2' }))).toEqual([
      [0, 5, 6, 9],
      [4, 9, 11, 14],
      [9, 14, 16, 19],
    ]);
  });

  it('the last test is cut at the end of the data, and dropped under 2 bars', () => {
    expect(ranges(daily(22), settings('5', '3')).at(-1)).toEqual([15, 20, 20, 22]);
    expect(ranges(daily(21), settings('5', '3')).at(-1)).toEqual([12, 17, 17, 20]);
  });

  it('durations are measured on the timestamps: 7d of weekday bars is 5 bars', () => {
    const time = weekdays(4);
    expect(ranges(time, settings('7d', '7d'))).toEqual([
      [0, 5, 5, 10],
      [5, 10, 10, 15],
      [10, 15, 15, 20],
    ]);
    // A 1d purge after a training range ending on a Friday holds the Monday: tests start on Tuesdays.
    expect(ranges(time, settings('7d', '7d', { purge: '1d' }))).toEqual([
      [0, 5, 6, 11],
      [5, 10, 11, 16],
      [10, 15, 16, 20],
    ]);
  });

  it('a gap in the data holds no bars: 14d around a missing week holds 5 of them', () => {
    // Weeks 0, 1, 2, 4, 5 (week 3 missing): 25 bars.
    const time = Float64Array.from([...weekdays(6)].filter((t) => t < MONDAY + 21 * DAY || t >= MONDAY + 28 * DAY));
    expect(ranges(time, settings('14d', '14d'))).toEqual([
      [0, 10, 10, 15],
      [10, 15, 15, 25],
    ]);
    // A 2d test holding one bar before the gap (a Friday) is refused, not skipped.
    expect(() => walkForwardWindows(time, settings('14d', '2d'))).toThrow(/^--test 2d holds 1 bar from 2024-01-19T00:00:00Z \(the data has a gap after it\)/);
    // A 7d training range that falls in the gap holds nothing: refused rather than trained on other bars.
    expect(() => walkForwardWindows(time, settings('7d', '7d'))).toThrow(/^The training range before the test at 2024-01-29T00:00:00Z holds 0 bar\(s\)/);
  });

  it('calendar months for mo', () => {
    const time = daily(366); // 2024 is a leap year: Jan 1 .. Dec 31
    const w = walkForwardWindows(time, settings('3mo', '1mo'));
    expect(new Date(time[w[0].test.from]).toISOString().slice(0, 10)).toBe('2024-04-01');
    expect(w[0].test.to - w[0].test.from).toBe(30); // April
    expect(w[0].train).toEqual({ from: 0, to: 91 }); // Jan 31 + Feb 29 + Mar 31
    expect(w).toHaveLength(9); // April .. December
  });
});

describe('walk-forward windows: invariants over random layouts', () => {
  it('no test overlaps its training data or its purge; tests ascend, separated by exactly the embargo', () => {
    const rng = new Mulberry32(7);
    const rand = () => rng.next();
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
    for (let trial = 0; trial < 300; trial++) {
      const n = int(30, 400);
      const train = int(2, Math.floor(n / 3));
      const test = int(2, Math.min(40, Math.floor(n / 3)));
      const purge = int(0, 5);
      const embargo = int(0, 5);
      const anchored = rand() < 0.5;
      const time = daily(n);
      const s = settings(String(train), String(test), { anchored, purge: String(purge), embargo: String(embargo) });
      const w = walkForwardWindows(time, s);
      expect(w.length).toBeGreaterThan(0);
      expect(w[0].test.from).toBe(train + purge);
      for (const [k, x] of w.entries()) {
        expect(x.index).toBe(k);
        expect(x.train.from).toBeGreaterThanOrEqual(0);
        if (anchored) expect(x.train.from).toBe(0);
        else expect(x.train.to - x.train.from).toBe(Math.min(train, x.train.to));
        // The training range ends at or before the purge, which ends where the test begins.
        expect(x.train.to).toBeLessThanOrEqual(x.test.from - purge);
        expect(x.test.to - x.test.from).toBeGreaterThanOrEqual(2);
        expect(x.test.to - x.test.from).toBeLessThanOrEqual(test);
        if (k > 0) {
          const prev = w[k - 1];
          expect(x.test.from).toBe(prev.test.to + embargo);
          // The embargo after the previous test is not trained on.
          expect(x.train.to).toBeLessThanOrEqual(prev.test.to);
        }
      }
      // The tests reach the end of the data, less what cannot hold a test of 2 bars.
      const last = w[w.length - 1];
      expect(n - last.test.to).toBeLessThan(embargo + 2);
    }
  });
});

describe('window lengths', () => {
  it('refuses a training range under 2 bars (1d of weekday bars before a Tuesday holds one)', () => {
    expect(() => walkForwardWindows(weekdays(4), settings('1d', '3'))).toThrow(/^The training range before the test at 2024-01-02T00:00:00Z holds 1 bar\(s\): give a longer --train or a shorter --purge or --embargo\.$/);
  });

  it('reads bars and durations', () => {
    expect(parseWindowLength('500', 'train')).toEqual({ kind: 'bars', bars: 500, text: '500' });
    expect(parseWindowLength('500b', 'test')).toMatchObject({ kind: 'bars', bars: 500 });
    expect(parseWindowLength('180d', 'train')).toMatchObject({ kind: 'span', span: { label: '180d', ms: 180 * DAY } });
    expect(parseWindowLength('6mo', 'train')).toMatchObject({ kind: 'span', span: { unit: 'mo', count: 6 } });
    expect(parseWindowLength('0', 'purge')).toMatchObject({ kind: 'bars', bars: 0 });
    expect(parseWindowLength('0d', 'embargo')).toEqual({ kind: 'bars', bars: 0, text: '0' });
  });

  it.each([
    ['0', 'train', /^--train 0 is empty: give a number of bars \(500 or 500b\) or a duration \(180d, 12h, 4w, 6mo\), more than 0\.$/],
    ['0d', 'test', /^--test 0d is empty/],
    ['-5', 'test', /^--test -5 is negative/],
    ['-1d', 'purge', /^--purge -1d is negative: .*, 0 or more\.$/],
    ['30x', 'train', /^--train "30x" is not a window length: give a number of bars/],
    ['1M', 'test', /^--test "1M" is not a window length/],
    ['', 'train', /^--train "" is not a window length/],
  ] as const)('refuses %j for --%s in one sentence', (text, flag, message) => {
    expect(() => parseWindowLength(text, flag)).toThrow(UserError);
    expect(() => parseWindowLength(text, flag)).toThrow(message);
  });

  it.each([
    ['a train as long as the data', () => settings('20', '3'), /^--train 20 is as long as the data or longer \(the data holds 20 bars, from 2024-01-01T00:00:00Z to 2024-01-20T00:00:00Z\): give a shorter --train\.$/],
    ['a train longer than the data', () => settings('400d', '3'), /^--train 400d is as long as the data or longer/],
    ['a test longer than the data', () => settings('5', '25'), /^--test 25 is as long as the data or longer/],
    ['a train and purge that leave under 2 bars', () => settings('18', '3', { purge: '1' }), /^--train 18 plus --purge 1 leaves fewer than 2 bars to test/],
    ['a one-bar test', () => settings('5', '1'), /^--test 1 holds fewer than 2 bars from 2024-01-06T00:00:00Z: a test needs 2 bars or more/],
  ] as const)('refuses %s', (_what, make, message) => {
    expect(() => walkForwardWindows(daily(20), make())).toThrow(UserError);
    expect(() => walkForwardWindows(daily(20), make())).toThrow(message);
  });
});
