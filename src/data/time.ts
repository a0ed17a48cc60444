import { UserError } from '../errors.js';

/** ISO-8601 UTC, without milliseconds when they are zero: 2018-01-01T00:00:00Z. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A --from/--to value as epoch ms (UTC unless the text has an offset). A date-only --to means the end of that
 * day, as when slicing by date in pandas: `--to 2018-02-01` keeps bars of Feb 1.
 */
export function parseDateFlag(text: string, flag: 'from' | 'to'): number {
  const t = text.trim();
  let ms = NaN;
  if (DATE_ONLY.test(t)) {
    ms = Date.parse(`${t}T00:00:00Z`);
    if (flag === 'to' && Number.isFinite(ms)) ms += 86_400_000 - 1;
  } else if (DATE_TIME.test(t)) {
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(t);
    ms = Date.parse(hasZone ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`);
  }
  if (!Number.isFinite(ms)) {
    throw new UserError(`--${flag} "${text}" is not a date: use YYYY-MM-DD or an ISO-8601 time such as 2018-01-01T12:00:00Z.`);
  }
  return ms;
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
