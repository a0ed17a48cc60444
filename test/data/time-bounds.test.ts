import { describe, expect, it } from 'vitest';
import { parseDateFlag, parseRange, parseTimeBound } from '../../src/data/time.js';

describe('time bounds', () => {
  it.each([
    ['2018', 'from', Date.UTC(2018, 0, 1)],
    ['2018', 'to', Date.UTC(2019, 0, 1) - 1],
    ['2018-06', 'from', Date.UTC(2018, 5, 1)],
    ['2018-06', 'to', Date.UTC(2018, 6, 1) - 1],
    ['2018-12', 'to', Date.UTC(2019, 0, 1) - 1],
    ['2020-02', 'to', Date.UTC(2020, 1, 29, 23, 59, 59, 999)],
    ['2018-02-01', 'from', Date.UTC(2018, 1, 1)],
    ['2018-02-01', 'to', Date.UTC(2018, 1, 1, 23, 59, 59, 999)],
    ['2018-02-01T12:30:00Z', 'to', Date.UTC(2018, 1, 1, 12, 30)],
    ['2018-02-01 12:30', 'from', Date.UTC(2018, 1, 1, 12, 30)],
    ['2018-02-01T12:30:00+02:00', 'from', Date.UTC(2018, 1, 1, 10, 30)],
  ] as const)('%s as %s is the start or the end of that period', (text, bound, ms) => {
    expect(parseTimeBound(text, bound)).toBe(ms);
  });

  it('numbers are epoch ms, unchanged', () => {
    expect(parseTimeBound(1_500_000_000_000, 'to')).toBe(1_500_000_000_000);
    expect(() => parseTimeBound(NaN, 'from')).toThrow(/is not a time/);
  });

  it.each([
    ['2010-02-30', 'February 2010 has 28 days'],
    ['2012-02-30', 'February 2012 has 29 days'],
    ['2010-04-31', 'April 2010 has 30 days'],
    ['2010-13', 'there is no month 13'],
    ['2010-00-10', 'there is no month 0'],
    ['2010-01-01T25:00:00Z', '25:00:00 is not a time of day'],
  ])('the impossible date %s is refused (%s), never rolled into the next month', (text, why) => {
    expect(() => parseDateFlag(text, 'from')).toThrow(`--from "${text}" is not a date (${why}): use YYYY, YYYY-MM, YYYY-MM-DD or an ISO-8601 time such as 2018-01-01T12:00:00Z.`);
  });

  it.each(['yesterday', '18-01-01', '2018/01/01', '201801'])('"%s" is not a date', (text) => {
    expect(() => parseDateFlag(text, 'to')).toThrow(/^--to ".*" is not a date: use YYYY/);
  });

  it('a range of one year-month keeps the whole month', () => {
    expect(parseRange('2018-06', '2018-06')).toEqual({ from: Date.UTC(2018, 5, 1), to: Date.UTC(2018, 6, 1) - 1 });
  });
});
