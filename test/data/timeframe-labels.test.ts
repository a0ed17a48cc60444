import { describe, expect, it } from 'vitest';
import { annualization, modeSpacing, parseTimeframe, utcWeekday } from '../../src/data/timeframe.js';

describe('timeframe labels', () => {
  it.each([
    ['24h', '1d'],
    ['1440m', '1d'],
    ['86400s', '1d'],
    ['60m', '1h'],
    ['120m', '2h'],
    ['90m', '90m'],
    ['7d', '1w'],
    ['14d', '2w'],
    ['10d', '10d'],
    ['3600s', '1h'],
    ['1mo', '1mo'],
    ['12mo', '12mo'],
  ])('%s is written %s (the largest whole unit), so equivalent labels name one series', (text, label) => {
    const tf = parseTimeframe(text);
    expect(tf.label).toBe(label);
    expect(parseTimeframe(label)).toEqual(tf);
  });

  it.each([
    ['1H', '1h'],
    ['1D', '1d'],
    ['1W', '1w'],
    ['1MO', '1mo'],
    ['1Mo', '1mo'],
    ['5S', '5s'],
    ['1m', '1m'],
  ])('units are case-insensitive where unambiguous: %s is %s', (text, label) => {
    expect(parseTimeframe(text).label).toBe(label);
  });

  it('1M is refused: a minute to some, a month to others', () => {
    expect(() => parseTimeframe('1M')).toThrow('Timeframe "1M" is ambiguous: 1m is a minute, 1mo a month.');
    expect(() => parseTimeframe('15M')).toThrow(RangeError);
  });

  it.each(['0m', '1y', 'h1', '', '1.5h'])('"%s" is not a timeframe', (text) => {
    expect(() => parseTimeframe(text)).toThrow(/Unknown timeframe/);
  });
});

const DAY = 86_400_000;

/** Bars every `stepMs` from `start` for `days` days, keeping only the weekdays `keep` (0 = Sunday). */
function times(start: number, days: number, stepMs: number, keep: (weekday: number) => boolean): Float64Array {
  const out: number[] = [];
  for (let t = start; t < start + days * DAY; t += stepMs) if (keep(new Date(t).getUTCDay())) out.push(t);
  return Float64Array.from(out);
}
const weekdaysOnly = (d: number) => d !== 0 && d !== 6;
const START = Date.UTC(2019, 0, 7); // a Monday

describe('annualization follows the data calendar', () => {
  it('daily bars without weekend bars (equities): 252', () => {
    const a = annualization(times(START, 730, DAY, weekdaysOnly), parseTimeframe('1d'));
    expect(a.periodsPerYear).toBe(252);
    expect(a.reason).toMatch(/^weekday calendar detected/);
  });

  it('daily bars on every day (crypto): 365', () => {
    const a = annualization(times(START, 730, DAY, () => true), parseTimeframe('1d'));
    expect(a).toEqual({ periodsPerYear: 365, reason: expect.stringMatching(/^24\/7 calendar detected/) });
  });

  it('24/7 hourly bars: 24 x 365', () => {
    expect(annualization(times(START, 60, 3_600_000, () => true), parseTimeframe('1h')).periodsPerYear).toBe(8760);
  });

  it('weekday-only hourly bars (FX): the bars the data has per year, counted by hand', () => {
    const t = times(START, 3 * 364, 3_600_000, weekdaysOnly); // 156 whole weeks of 120 bars
    expect(t.length).toBe(156 * 120);
    const years = (t[t.length - 1] - t[0] + 3_600_000) / (365.25 * DAY);
    const a = annualization(t, parseTimeframe('1h'));
    expect(a.periodsPerYear).toBe(Math.round((156 * 120) / years));
    expect(a.periodsPerYear).toBeGreaterThan(6200);
    expect(a.periodsPerYear).toBeLessThan(6300);
  });

  it('a few Sunday-evening bars (FX opens Sunday 22:00 UTC) do not make the week 24/7', () => {
    const t = times(START - 2 * 3_600_000, 364, 3_600_000, (d) => d !== 6);
    const kept = Float64Array.from(t.filter((x) => new Date(x).getUTCDay() !== 0 || new Date(x).getUTCHours() >= 22));
    expect(annualization(kept, parseTimeframe('1h')).reason).toMatch(/^weekday calendar detected/);
  });

  it('weekly and monthly bars: 52 and 12', () => {
    expect(annualization(times(START, 700, 7 * DAY, () => true), parseTimeframe('1w')).periodsPerYear).toBe(52);
    expect(annualization(Float64Array.of(0, 31 * DAY), parseTimeframe('1mo')).periodsPerYear).toBe(12);
  });

  it('under two weeks of data: 365-day years, and the reason says no calendar was detected', () => {
    const a = annualization(times(START, 5, DAY, weekdaysOnly), parseTimeframe('1d'));
    expect(a.periodsPerYear).toBe(365);
    expect(a.reason).toMatch(/under two weeks of data/);
  });
});

describe('the calendar arithmetic annualization counts with', () => {
  it('utcWeekday is Date.getUTCDay for times before and after 1970, at and off midnight', () => {
    const checked: number[] = [];
    for (let day = -800; day <= 800; day += 1) {
      for (const offset of [0, 1, DAY / 2, DAY - 1]) checked.push(day * DAY + offset);
    }
    checked.push(Date.UTC(1900, 0, 1), Date.UTC(2038, 0, 19, 3, 14, 8), Date.UTC(2024, 1, 29, 23, 59, 59, 999), -1);
    for (const t of checked) expect(utcWeekday(t), new Date(t).toISOString()).toBe(new Date(t).getUTCDay());
  });

  it('modeSpacing gives the same spacing for sorted and shuffled times, ties to the smaller one', () => {
    const sorted = Float64Array.of(0, 60, 120, 180, 300, 420, 540, 600);
    const shuffled = Float64Array.of(540, 0, 300, 120, 600, 60, 420, 180);
    expect(modeSpacing(sorted)).toBe(60);
    expect(modeSpacing(shuffled)).toBe(60);
    expect([...shuffled]).toEqual([540, 0, 300, 120, 600, 60, 420, 180]); // the input is not sorted in place
    expect(modeSpacing(Float64Array.of(0, 10, 20, 40, 60))).toBe(10); // 10 and 20 twice each: the smaller
    expect(modeSpacing(Float64Array.of(5, 5, 5))).toBe(0);
  });
});
