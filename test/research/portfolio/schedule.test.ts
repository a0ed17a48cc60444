import { describe, expect, it } from 'vitest';
import { parsePortfolioLength, rebalanceSchedule } from '../../../src/research/portfolio/schedule.js';

const DAY = 86_400_000;
const days = (n: number, start = Date.UTC(2020, 0, 1)) => Float64Array.from({ length: n }, (_, i) => start + i * DAY);

describe('rebalance schedule', () => {
  it('lays out bar-count rebalances as worked by hand: decisions at bars 5 and 8 of 12', () => {
    // 12 bars give 11 returns (bars 1..11). Lookback 5: the first decision is at bar 5 on the returns of
    // bars 1..5; every 3 bars after: bar 8 on bars 4..8; bar 11 is the last bar, nothing could fill after it.
    const schedule = rebalanceSchedule(days(12), parsePortfolioLength('5', 'lookback'), parsePortfolioLength('3', 'rebalance'));
    expect(schedule).toEqual([
      { bar: 5, from: 1, to: 6 },
      { bar: 8, from: 4, to: 9 },
    ]);
  });

  it('windows hold exactly `lookback` returns, all ending at the decision bar', () => {
    const schedule = rebalanceSchedule(days(400), parsePortfolioLength('60', 'lookback'), parsePortfolioLength('21', 'rebalance'));
    expect(schedule.length).toBe(Math.floor((399 - 60 - 2) / 21) + 1);
    for (const r of schedule) {
      expect(r.to - r.from).toBe(60);
      expect(r.to).toBe(r.bar + 1);
      expect(r.from).toBeGreaterThanOrEqual(1);
    }
    expect(schedule.map((r) => r.bar).slice(0, 3)).toEqual([60, 81, 102]);
  });

  it('reads monthly and durations on the timestamps: a month apart, 1y of daily returns is 366 in 2020', () => {
    const time = days(800);
    const schedule = rebalanceSchedule(time, parsePortfolioLength('1y', 'lookback'), parsePortfolioLength('monthly', 'rebalance'));
    // First return bar is 2020-01-02; 12 months later is 2021-01-02 at bar 367: the decision is the bar before.
    expect(schedule[0]).toEqual({ bar: 366, from: 1, to: 367 });
    const fills = schedule.map((r) => new Date(time[r.bar + 1]).toISOString().slice(0, 10));
    expect(fills.slice(0, 3)).toEqual(['2021-01-02', '2021-02-02', '2021-03-02']);
  });

  it('refuses a lookback as long as the data, naming both lengths', () => {
    expect(() => rebalanceSchedule(days(100), parsePortfolioLength('252', 'lookback'), parsePortfolioLength('21', 'rebalance'))).toThrow(
      /--lookback 252 needs 252 returns .* the data holds 100 bars \(99 returns/,
    );
    expect(() => rebalanceSchedule(days(100), parsePortfolioLength('1y', 'lookback'), parsePortfolioLength('21', 'rebalance'))).toThrow(/^--lookback 1y is as long as the data or longer \(the data holds 99 bars/);
  });

  it('refuses --rebalance 0 and words that are not periods, in one sentence', () => {
    expect(() => parsePortfolioLength('0', 'rebalance')).toThrow(/^--rebalance 0 is empty/);
    expect(() => parsePortfolioLength('fortnightly', 'rebalance')).toThrow(/^--rebalance "fortnightly" is not a rebalance period: give daily, weekly, monthly/);
    expect(() => parsePortfolioLength('-5', 'lookback')).toThrow(/^--lookback -5 is negative/);
    expect(parsePortfolioLength('quarterly', 'rebalance')).toMatchObject({ kind: 'span', span: { unit: 'mo', count: 3 }, text: 'quarterly' });
    expect(parsePortfolioLength('2y', 'lookback')).toMatchObject({ kind: 'span', span: { unit: 'mo', count: 24 } });
  });
});
