/**
 * Timeframes: the bar spacing of a series, written as the count and unit quants already use
 * (1m, 5m, 1h, 4h, 1d, 1w, 1mo). Months are calendar months (UTC), every other unit a fixed span.
 */
import { isStrictlyIncreasing } from './sort.js';

export interface Timeframe {
  readonly label: string;
  readonly count: number;
  readonly unit: 's' | 'm' | 'h' | 'd' | 'w' | 'mo';
  /** Nominal span in ms (30 days for a month: use addTimeframe/floorToTimeframe for calendar math). */
  readonly ms: number;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, mo: 2_592_000_000 } as const;

export const TIMEFRAME_EXAMPLES = '1m, 5m, 15m, 1h, 4h, 1d, 1w or 1mo';

/** Fixed-span units from the largest down: a label is written in the largest one that divides it. */
const FIXED_UNITS = ['w', 'd', 'h', 'm', 's'] as const;

/**
 * Units are case-insensitive (1H, 1D, 1W, 1MO) except a lone M, which means a minute to some and a month to
 * others: it is refused rather than guessed.
 */
function parseUnit(text: string, original: string): Timeframe['unit'] {
  if (text === 'M') throw new RangeError(`Timeframe "${original}" is ambiguous: 1m is a minute, 1mo a month.`);
  return text.toLowerCase() as Timeframe['unit'];
}

/**
 * A timeframe from its label. Equivalent labels are one timeframe: 60m, 24h, 1440m and 86400s are written
 * 1h, 1d, 1d and 1d (the largest whole unit), so they name one stored series.
 */
export function parseTimeframe(text: string): Timeframe {
  const trimmed = text.trim();
  const match = /^(\d+)(mo|s|m|h|d|w)$/i.exec(trimmed);
  const count = match ? Number(match[1]) : 0;
  if (!match || !(count >= 1) || !Number.isSafeInteger(count)) {
    throw new RangeError(`Unknown timeframe "${text}": use a count and a unit, e.g. ${TIMEFRAME_EXAMPLES}.`);
  }
  const unit = parseUnit(match[2], trimmed);
  if (unit === 'mo') return { label: `${count}mo`, count, unit, ms: count * UNIT_MS.mo };
  const ms = count * UNIT_MS[unit];
  const largest = FIXED_UNITS.find((u) => ms % UNIT_MS[u] === 0)!;
  const n = ms / UNIT_MS[largest];
  return { label: `${n}${largest}`, count: n, unit: largest, ms };
}

export function isTimeframe(text: string): boolean {
  try {
    parseTimeframe(text);
    return true;
  } catch {
    return false;
  }
}

/** Start of the UTC bucket of `tf` that holds `timeMs`. Weeks start on Monday 00:00 UTC (ISO). */
export function floorToTimeframe(timeMs: number, tf: Timeframe): number {
  if (tf.unit === 'mo') {
    const d = new Date(timeMs);
    const months = d.getUTCFullYear() * 12 + d.getUTCMonth();
    const start = months - (months % tf.count);
    return Date.UTC(Math.floor(start / 12), start % 12, 1);
  }
  if (tf.unit === 'w') {
    const monday = Date.UTC(1970, 0, 5); // 1970-01-05 was a Monday
    return timeMs - (((timeMs - monday) % tf.ms) + tf.ms) % tf.ms;
  }
  return timeMs - ((timeMs % tf.ms) + tf.ms) % tf.ms;
}

/** `timeMs` moved forward by `steps` bars of `tf` (calendar months for `mo`). */
export function addTimeframe(timeMs: number, tf: Timeframe, steps = 1): number {
  if (tf.unit !== 'mo') return timeMs + steps * tf.ms;
  const d = new Date(timeMs);
  const day = d.getUTCDate();
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + steps * tf.count, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  // Month-end labels (e.g. 2012-01-31) stay month-end: clamp the day to the target month's length.
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  const isMonthEnd = day === new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(isMonthEnd ? lastDay : Math.min(day, lastDay));
  return target.getTime();
}

/** Number of whole bars of `tf` from `fromMs` to `toMs` (calendar months for `mo`). */
export function barsBetween(fromMs: number, toMs: number, tf: Timeframe): number {
  if (tf.unit !== 'mo') return Math.round((toMs - fromMs) / tf.ms);
  const a = new Date(fromMs);
  const b = new Date(toMs);
  const months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
  return Math.round(months / tf.count);
}

/** Bars per year used to annualize returns: 365-day years (crypto trades every day). */
export function periodsPerYear(tf: Timeframe, tradingDaysPerYear = 365): number {
  if (tf.unit === 'mo') return 12 / tf.count;
  if (tf.unit === 'w') return 52 / tf.count;
  const perDay = UNIT_MS.d / tf.ms;
  return perDay * tradingDaysPerYear;
}

export interface Annualization {
  periodsPerYear: number;
  /** Why that number, in words: "weekday calendar detected", "--periods-per-year", ... */
  reason: string;
}

const YEAR_MS = 365.25 * UNIT_MS.d;

/**
 * Bars per year for annualizing, from the data's calendar (docs/metrics.md):
 * - weekly and monthly bars: 52 / count and 12 / count;
 * - a UTC weekday "trades" when it holds at least a quarter of an average weekday's bars; data on which all
 *   seven trade is 24/7: 365-day years (8760 hourly bars);
 * - otherwise it follows a trading calendar (equities, FX): daily bars annualize with 252, intraday bars with
 *   the bars the data has per year (its bar count over the years it spans: 1h EUR/USD gives about 6200);
 * - under two weeks of data cannot show a calendar: 365-day years, and the reason says so.
 */
export function annualization(time: Float64Array, tf: Timeframe): Annualization {
  if (tf.unit === 'mo') return { periodsPerYear: 12 / tf.count, reason: 'monthly bars' };
  if (tf.unit === 'w') return { periodsPerYear: 52 / tf.count, reason: 'weekly bars' };
  const n = time.length;
  const span = n > 0 ? time[n - 1] - time[0] + tf.ms : 0;
  const calendarYear = periodsPerYear(tf, 365);
  if (!(span >= 14 * UNIT_MS.d)) {
    return { periodsPerYear: calendarYear, reason: 'under two weeks of data, so no calendar could be detected: 365-day years assumed; pass --periods-per-year to say otherwise' };
  }
  const perWeekday = new Array<number>(7).fill(0);
  for (let i = 0; i < n; i++) perWeekday[utcWeekday(time[i])]++;
  const trading = perWeekday.filter((c) => c >= n / 7 / 4).length;
  if (trading === 7) return { periodsPerYear: calendarYear, reason: '24/7 calendar detected: bars on every day of the week, 365-day years' };
  if (tf.ms >= UNIT_MS.d) return { periodsPerYear: 252 / (tf.ms / UNIT_MS.d), reason: `weekday calendar detected: ${trading} trading days a week, 252 a year` };
  return { periodsPerYear: Math.round(n / (span / YEAR_MS)), reason: `weekday calendar detected: ${trading} trading days a week, the data's own bars per year` };
}

/**
 * Date.prototype.getUTCDay without a Date per bar (a 100,000-bar file spent ~20 ms in them): days since the
 * epoch, which was a Thursday (4), taken mod 7 with a non-negative result for times before 1970.
 */
export function utcWeekday(ms: number): number {
  return ((Math.floor(ms / UNIT_MS.d) % 7) + 11) % 7;
}

/** A span as the shortest exact label: 60000 -> "1m", 90000 -> "90s", 97200000 -> "1d03h". */
export function formatSpan(ms: number): string {
  if (ms <= 0 || !Number.isFinite(ms)) return `${ms}ms`;
  if (ms % 1000 !== 0) return `${ms}ms`;
  for (const [unit, size] of [['d', UNIT_MS.d], ['h', UNIT_MS.h], ['m', UNIT_MS.m], ['s', UNIT_MS.s]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  const days = Math.floor(ms / UNIT_MS.d);
  const hours = Math.floor((ms % UNIT_MS.d) / UNIT_MS.h);
  const minutes = Math.floor((ms % UNIT_MS.h) / UNIT_MS.m);
  const seconds = Math.floor((ms % UNIT_MS.m) / UNIT_MS.s);
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${days > 0 ? `${days}d` : ''}${pad(hours)}h${pad(minutes)}m${seconds ? `${pad(seconds)}s` : ''}`;
}

/** The most common positive spacing between times (they need not be sorted); 0 when there is none. */
export function modeSpacing(time: Float64Array): number {
  // Bars come sorted nearly always: the copy and sort only for those that do not (equal times included).
  const sorted = isStrictlyIncreasing(time) ? time : Float64Array.from(time).sort();
  const counts = new Map<number, number>();
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i] - sorted[i - 1];
    if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  }
  let mode = 0;
  let best = 0;
  for (const [d, c] of counts) if (c > best || (c === best && d < mode)) [mode, best] = [d, c];
  return mode;
}

/** A series' timeframe from its most common spacing (28-31 days read as a calendar month). */
export function inferTimeframe(time: Float64Array, what = 'the data'): string {
  const mode = modeSpacing(time);
  if (mode >= 28 * UNIT_MS.d && mode <= 31 * UNIT_MS.d) return '1mo';
  if (mode === 0) throw new RangeError(`Cannot infer the timeframe of ${what} (fewer than two distinct times): pass --timeframe.`);
  return formatSpan(mode);
}
