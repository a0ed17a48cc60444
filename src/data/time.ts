import { UserError } from '../errors.js';

/** ISO-8601 UTC, without milliseconds when they are zero: 2018-01-01T00:00:00Z. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ACCEPTED = 'use YYYY, YYYY-MM, YYYY-MM-DD or an ISO-8601 time such as 2018-01-01T12:00:00Z';

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Why year-month-day is not a calendar date, or undefined when it is one. */
function impossibleDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12) return `there is no month ${month}`;
  if (day < 1 || day > daysIn(year, month)) return `${MONTHS[month - 1]} ${year} has ${daysIn(year, month)} days`;
  return undefined;
}

/**
 * A time bound as epoch ms (UTC unless the text has an offset); a number is epoch ms already. A date without a
 * time is a whole period: as `from` it means the period's first instant, as `to` its last, so `to: '2018'`
 * keeps all of 2018 and `to: '2018-02-01'` keeps bars of Feb 1, as when slicing by date in pandas. The CLI's
 * --from/--to and the library's loadBars read bounds with this one function. Impossible dates (2010-02-30)
 * are refused, never rolled over into the next month.
 */
export function parseTimeBound(value: number | string, bound: 'from' | 'to', label: string = bound): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UserError(`${label} ${value} is not a time: give epoch milliseconds or a date.`);
    return value;
  }
  const t = value.trim();
  const bad = (why?: string) => new UserError(`${label} "${value}" is not a date${why ? ` (${why})` : ''}: ${ACCEPTED}.`);
  const date = DATE.exec(t);
  if (date) {
    const year = Number(date[1]);
    const month = date[2] === undefined ? undefined : Number(date[2]);
    const day = date[3] === undefined ? undefined : Number(date[3]);
    const problem = impossibleDate(year, month ?? 1, day ?? 1);
    if (problem) throw bad(problem);
    const start = Date.UTC(year, (month ?? 1) - 1, day ?? 1);
    if (bound === 'from') return start;
    const next = day !== undefined ? Date.UTC(year, month! - 1, day + 1) : month !== undefined ? Date.UTC(year, month, 1) : Date.UTC(year + 1, 0, 1);
    return next - 1;
  }
  const dt = DATE_TIME.exec(t);
  if (!dt) throw bad();
  const [, y, mo, d, h, mi, sec] = dt;
  const problem = impossibleDate(Number(y), Number(mo), Number(d)) ?? (Number(h) > 23 || Number(mi) > 59 || Number(sec ?? 0) > 59 ? `${h}:${mi}${sec ? `:${sec}` : ''} is not a time of day` : undefined);
  if (problem) throw bad(problem);
  const iso = t.replace(' ', 'T');
  const ms = Date.parse(dt[8] === undefined ? `${iso}Z` : iso);
  if (!Number.isFinite(ms)) throw bad();
  return ms;
}

/** A --from/--to flag value as epoch ms: parseTimeBound, with errors naming the flag. */
export function parseDateFlag(text: string, flag: 'from' | 'to'): number {
  return parseTimeBound(text, flag, `--${flag}`);
}

export interface TimeRange {
  from?: number;
  to?: number;
}

export function parseRange(from?: string, to?: string): TimeRange {
  const range: TimeRange = {
    from: from === undefined ? undefined : parseDateFlag(from, 'from'),
    to: to === undefined ? undefined : parseDateFlag(to, 'to'),
  };
  if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
    throw new UserError(`--from ${from} is after --to ${to}: give a --from that is on or before --to.`);
  }
  return range;
}
