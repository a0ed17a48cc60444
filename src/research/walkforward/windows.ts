/**
 * Walk-forward windows: a list of (train, test) bar ranges over one loaded series, computed once and used by
 * every caller (scikit-learn's TimeSeriesSplit and vectorbt's splitters work the same way).
 *
 * Layout (n bars, times t[0..n-1]):
 * - the first test starts after `train` then `purge`: at advance(advance(0, train), purge);
 * - each test holds `test` bars (or the bars within `test` of its first bar's time) and the next test starts
 *   `embargo` after it ends, so with no embargo the tests tile the data from the first test to the end;
 * - a window's training ends where its purge begins (the purge is the bars within `purge` before the test)
 *   and never inside the embargo that follows the previous test (López de Prado: the bars right after a test
 *   window are not trained on by the next window);
 * - rolling: the training holds `train` before its end; anchored: it starts at bar 0;
 * - the last test is cut at the end of the data, and dropped when fewer than 2 bars remain for it.
 *
 * A length is a bar count (`500`, `500b`) or a duration (`180d`, `12h`, `4w`, `6mo`: a count and a timeframe
 * unit). Durations are measured on the bars' own timestamps, never by assuming regular spacing: `30d` of
 * weekday bars holds about 22 of them, and a gap in the data holds none.
 */
import { formatTime } from '../../data/time.js';
import { addTimeframe, parseTimeframe, type Timeframe } from '../../data/timeframe.js';
import { UserError } from '../../errors.js';
import type { BarRange } from '../sweep/types.js';

/** A window length: a number of bars, or a span of time. */
export type WindowLength = { readonly kind: 'bars'; readonly bars: number; readonly text: string } | { readonly kind: 'span'; readonly span: Timeframe; readonly text: string };

export interface WindowSettings {
  train: WindowLength;
  test: WindowLength;
  /** Training always starts at bar 0 (an expanding window) instead of rolling. */
  anchored?: boolean;
  /** Bars left out between a training range and its test (default none). */
  purge?: WindowLength;
  /** Bars after each test that no window tests and the next window does not train on (default none). */
  embargo?: WindowLength;
}

export interface WalkForwardWindow {
  /** 0, 1, 2, ... in time order. */
  index: number;
  train: BarRange;
  test: BarRange;
}

const FLAG = { train: '--train', test: '--test', purge: '--purge', embargo: '--embargo' } as const;
type LengthFlag = keyof typeof FLAG;

const ACCEPTED = 'a number of bars (500 or 500b) or a duration (180d, 12h, 4w, 6mo)';

/**
 * `--train 180d`, `--test 500`, `--purge 2b`. Train and test must be positive; purge and embargo may be 0.
 * One-sentence UserError for anything else.
 */
export function parseWindowLength(text: string, flag: LengthFlag): WindowLength {
  const trimmed = text.trim();
  const zeroAllowed = flag === 'purge' || flag === 'embargo';
  const bars = /^(\d+)\s*(?:b|bars?)?$/i.exec(trimmed);
  const zeroSpan = /^0+\s*(?:s|m|h|d|w|mo)$/i.test(trimmed);
  if (bars || zeroSpan) {
    const count = bars ? Number(bars[1]) : 0;
    if (!Number.isSafeInteger(count)) throw new UserError(`${FLAG[flag]} ${text} is too large: give ${ACCEPTED}.`, { code: 'RRR_BAD_WINDOW' });
    if (count === 0 && !zeroAllowed) throw new UserError(`${FLAG[flag]} ${text} is empty: give ${ACCEPTED}, more than 0.`, { code: 'RRR_BAD_WINDOW' });
    return { kind: 'bars', bars: count, text: count === 0 ? '0' : trimmed };
  }
  if (/^-/.test(trimmed)) throw new UserError(`${FLAG[flag]} ${text} is negative: give ${ACCEPTED}${zeroAllowed ? ', 0 or more' : ''}.`, { code: 'RRR_BAD_WINDOW' });
  try {
    return { kind: 'span', span: parseTimeframe(trimmed), text: trimmed };
  } catch {
    throw new UserError(`${FLAG[flag]} "${text}" is not a window length: give ${ACCEPTED}.`, { code: 'RRR_BAD_WINDOW' });
  }
}

/** The first bar index j >= i whose time is at least `length` after bar i's (i + bars for a bar count); may be n. */
function advance(time: Float64Array, i: number, length: WindowLength): number {
  if (length.kind === 'bars') return i + length.bars;
  if (i >= time.length) return time.length;
  const target = addTimeframe(time[i], length.span, 1);
  return firstAtOrAfter(time, target, i);
}

/** The first bar index i <= j whose time is within `length` before bar j's (j - bars for a bar count); may be < 0. */
function retreat(time: Float64Array, j: number, length: WindowLength): number {
  if (length.kind === 'bars') return j - length.bars;
  const target = addTimeframe(time[j], length.span, -1);
  return firstAtOrAfter(time, target, 0);
}

/** Binary search: the first index >= lo with time >= target (time sorted ascending). */
function firstAtOrAfter(time: Float64Array, target: number, lo: number): number {
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const isZero = (l: WindowLength | undefined) => l === undefined || (l.kind === 'bars' && l.bars === 0);

/**
 * The windows over a series with these bar times (ascending). Refuses, in one sentence, a train or test
 * longer than the data, and layouts that leave a training range or a test under 2 bars.
 */
export function walkForwardWindows(time: Float64Array, settings: WindowSettings): WalkForwardWindow[] {
  const n = time.length;
  const { train, test } = settings;
  const purge = settings.purge ?? { kind: 'bars', bars: 0, text: '0' };
  const embargo = settings.embargo ?? { kind: 'bars', bars: 0, text: '0' };
  const span = n > 0 ? `the data holds ${n} bars, from ${formatTime(time[0])} to ${formatTime(time[n - 1])}` : 'the data holds no bars';
  if (advance(time, 0, train) >= n) throw new UserError(`--train ${train.text} is as long as the data or longer (${span}): give a shorter --train.`, { code: 'RRR_WINDOW_TOO_LONG' });
  if (advance(time, 0, test) >= n) throw new UserError(`--test ${test.text} is as long as the data or longer (${span}): give a shorter --test.`, { code: 'RRR_WINDOW_TOO_LONG' });
  const firstTest = advance(time, advance(time, 0, train), purge);
  if (n - firstTest < 2) {
    throw new UserError(`--train ${train.text}${isZero(purge) ? '' : ` plus --purge ${purge.text}`} leaves fewer than 2 bars to test (${span}): give a shorter --train${isZero(purge) ? '' : ' or --purge'}.`, { code: 'RRR_WINDOW_TOO_LONG' });
  }
  if (Math.min(n, advance(time, firstTest, test)) - firstTest < 2) {
    throw new UserError(`--test ${test.text} holds fewer than 2 bars from ${formatTime(time[firstTest])}: a test needs 2 bars or more, give a longer --test.`, { code: 'RRR_BAD_WINDOW' });
  }

  const windows: WalkForwardWindow[] = [];
  let previousTestEnd: number | undefined;
  for (let from = firstTest; n - from >= 2; ) {
    const to = Math.min(n, advance(time, from, test));
    if (to - from < 2) {
      // The last test may be cut short by the end of the data (and dropped); a short one inside it is a gap.
      if (to >= n) break;
      throw new UserError(`--test ${test.text} holds 1 bar from ${formatTime(time[from])} (the data has a gap after it): a test needs 2 bars or more, give a longer --test.`, { code: 'RRR_BAD_WINDOW' });
    }
    let trainEnd = retreat(time, from, purge);
    // The bars right after the previous test (its embargo) are not trained on by this window.
    if (previousTestEnd !== undefined && !isZero(embargo)) trainEnd = Math.min(trainEnd, previousTestEnd);
    const trainStart = settings.anchored ? 0 : Math.max(0, retreat(time, trainEnd, train));
    if (trainEnd - trainStart < 2) {
      throw new UserError(`The training range before the test at ${formatTime(time[from])} holds ${Math.max(0, trainEnd - trainStart)} bar(s): give a longer --train or a shorter --purge or --embargo.`, { code: 'RRR_BAD_WINDOW' });
    }
    windows.push({ index: windows.length, train: { from: trainStart, to: trainEnd }, test: { from, to } });
    previousTestEnd = to;
    if (to >= n) break;
    from = isZero(embargo) ? to : advance(time, to, embargo);
  }
  return windows;
}
