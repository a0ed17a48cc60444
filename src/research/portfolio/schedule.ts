/**
 * When a rebalancing backtest re-estimates and trades, and on which returns. One layout implementation:
 * walk-forward's windows (src/research/walkforward/windows.ts) laid over the times of the returns, the
 * lookback as the training range and the rebalance period as the test range.
 *
 * Bars 0..n-1 have closes c; the return of bar i (i >= 1) is c[i] / c[i-1] - 1, known at bar i's close. A
 * rebalance at bar t uses the returns of the `lookback` bars ending at bar t (bars t-L+1..t for a count L,
 * the bars within the span before t for a duration) and nothing after t's close; its weights are filled
 * at bar t+1's open (or t's close with --fill close) and held until the next rebalance.
 */
import { formatTime } from '../../data/time.js';
import { isUserError, UserError } from '../../errors.js';
import { parseWindowLength, walkForwardWindows, type WindowLength } from '../walkforward/index.js';

export interface Rebalance {
  /** Bar whose close decides the weights. */
  bar: number;
  /** Bars whose returns the estimate uses: from..to-1 (each >= 1), ending at `bar` (to = bar + 1). */
  from: number;
  to: number;
}

/** Calendar names for the rebalance period. */
const NAMED: Record<string, string> = { daily: '1d', weekly: '1w', monthly: '1mo', quarterly: '3mo', yearly: '12mo', annually: '12mo' };

/** Walk-forward speaks of --train and --test; here they are the lookback and the rebalance period. */
function renamed(error: unknown): unknown {
  if (!isUserError(error)) return error;
  const message = error.message
    .replace(/--train/g, '--lookback')
    .replace(/--test/g, '--rebalance')
    .replace(/leaves fewer than 2 bars to test/g, 'leaves fewer than 2 bars to hold a portfolio')
    .replace(/a test needs 2 bars or more/g, 'a holding period needs 2 bars or more')
    .replace(/The training range/g, 'The lookback window')
    .replace(/the test at/g, 'the rebalance at');
  return new UserError(message, { exitCode: error.exitCode, code: error.code });
}

/**
 * `--lookback 252`, `--lookback 1y`, `--rebalance monthly`, `--rebalance 21`, `--rebalance 2w`: a bar count
 * or a duration (years are written as 12-month spans). One sentence for anything else.
 */
export function parsePortfolioLength(text: string, flag: 'lookback' | 'rebalance'): WindowLength {
  const trimmed = text.trim().toLowerCase();
  const named = flag === 'rebalance' ? NAMED[trimmed] : undefined;
  const years = /^(\d+)\s*y$/.exec(trimmed);
  const spelled = named ?? (years ? `${Number(years[1]) * 12}mo` : text);
  try {
    const length = parseWindowLength(spelled, flag === 'lookback' ? 'train' : 'test');
    return { ...length, text: text.trim() };
  } catch (error) {
    const e = renamed(error);
    if (flag === 'rebalance' && isUserError(e) && e.code === 'RRR_BAD_WINDOW' && !/empty|negative|too large/.test(e.message)) {
      throw new UserError(`--rebalance "${text}" is not a rebalance period: give daily, weekly, monthly, quarterly, yearly, a number of bars (21) or a duration (2w, 3mo).`, { code: 'RRR_BAD_WINDOW' });
    }
    if (flag === 'lookback' && isUserError(e) && e.code === 'RRR_BAD_WINDOW' && !/empty|negative|too large/.test(e.message)) {
      throw new UserError(`--lookback "${text}" is not a window length: give a number of bars (252) or a duration (1y, 6mo, 90d).`, { code: 'RRR_BAD_WINDOW' });
    }
    throw e;
  }
}

/**
 * The rebalances over bars with these times. Refuses a lookback as long as the data or longer (naming both
 * lengths) and a window with fewer than 2 returns.
 */
export function rebalanceSchedule(time: Float64Array, lookback: WindowLength, rebalance: WindowLength): Rebalance[] {
  const n = time.length;
  if (n < 3) throw new UserError(`The data holds ${n} bar${n === 1 ? '' : 's'}: a rebalancing backtest needs at least 3.`, { exitCode: 1, code: 'RRR_TOO_FEW_BARS' });
  if (lookback.kind === 'bars' && lookback.bars >= n - 1) {
    throw new UserError(
      `--lookback ${lookback.text} needs ${lookback.bars} returns and one bar to trade after them, but the data holds ${n} bars (${n - 1} returns, ${formatTime(time[0])} to ${formatTime(time[n - 1])}): give a --lookback under ${n - 1} bars or load more data.`,
      { exitCode: 2, code: 'RRR_WINDOW_TOO_LONG' },
    );
  }
  // Return j of the windows is the return of bar j + 1.
  const returnTimes = time.subarray(1);
  let windows;
  try {
    windows = walkForwardWindows(returnTimes, { train: lookback, test: rebalance });
  } catch (error) {
    throw renamed(error);
  }
  return windows.map((w) => ({ bar: w.train.to, from: w.train.from + 1, to: w.train.to + 1 }));
}
