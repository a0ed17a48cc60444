/**
 * Data-quality checks for one series of bars. Pure: bars in, a JSON-serializable report out.
 * Bad data is reported, never fixed. Each check, its severity and its thresholds are documented in
 * docs/data-quality.md.
 */
import type { Bars } from './bars.js';
import { formatTime } from './time.js';
import { medianInPlace } from '../stats/select.js';
import { addTimeframe, barsBetween, type Timeframe } from './timeframe.js';

export type QualitySeverity = 'error' | 'warning' | 'info';

/** Which days count when looking for gaps: every day, or Monday..Friday only (UTC). */
export type QualityCalendar = '24/7' | 'weekdays';

export type QualityCheckName =
  | 'invalid-time'
  | 'unsorted'
  | 'duplicate'
  | 'nan-price'
  | 'non-positive-price'
  | 'ohlc'
  | 'negative-volume'
  | 'infinite-volume'
  | 'gap'
  | 'off-grid'
  | 'no-volume'
  | 'nan-volume'
  | 'zero-volume'
  | 'flat-bar'
  | 'outlier-return'
  | 'repeated-block';

/** The fixed severity of every check. */
export const QUALITY_SEVERITY: Readonly<Record<QualityCheckName, QualitySeverity>> = {
  'invalid-time': 'error',
  unsorted: 'error',
  duplicate: 'error',
  'nan-price': 'error',
  'non-positive-price': 'error',
  ohlc: 'error',
  'negative-volume': 'error',
  'infinite-volume': 'error',
  gap: 'warning',
  'off-grid': 'warning',
  'no-volume': 'info',
  'nan-volume': 'warning',
  'zero-volume': 'warning',
  'flat-bar': 'warning',
  'outlier-return': 'warning',
  'repeated-block': 'warning',
};

/** Default |robust z| above which a log close-to-close return is flagged (see docs/data-quality.md). */
export const DEFAULT_OUTLIER_THRESHOLD = 100;
/** Default shortest run of bars that counts as a repeated block. */
export const DEFAULT_MIN_REPEAT_LENGTH = 3;
/** Default number of locations kept per check. */
export const DEFAULT_MAX_LOCATIONS = 5;

export interface QualityOptions {
  /** '24/7' (default): every slot of the timeframe is expected. 'weekdays': Saturday and Sunday (UTC) slots are not. */
  calendar?: QualityCalendar;
  /** Flag returns whose robust z-score exceeds this in absolute value (default {@link DEFAULT_OUTLIER_THRESHOLD}). */
  outlierThreshold?: number;
  /** Shortest identical run reported as a repeated block (default 3, at least 2). */
  minRepeatLength?: number;
  /** Locations kept per check (default 5); counts always cover the whole series. */
  maxLocations?: number;
}

/** Where a check fired. Single bars use row/time; spans add toRow/toTime. */
export interface QualityLocation {
  /** Row index of the bar (the first bar of a span; for a gap, the last bar before it). */
  row: number;
  /** ISO-8601 UTC time of that row. */
  time: string;
  /** Last row of a span (for a gap: the first bar after it). */
  toRow?: number;
  toTime?: string;
  /** Repeated blocks: first row and time of the later copy. */
  repeatRow?: number;
  repeatTime?: string;
  /** Gaps: missing bars; repeated blocks: block length in bars. */
  bars?: number;
  /** Gaps: time from the bar before to the bar after, e.g. "3d01h". */
  duration?: string;
  /** Outliers: the robust z-score; off-grid: the spacing in ms. */
  value?: number;
}

export interface QualityCheck {
  check: QualityCheckName;
  severity: QualitySeverity;
  /** How many bars (gaps for 'gap', blocks for 'repeated-block', 1 for 'no-volume') fired; 0 = passed. */
  count: number;
  /** One sentence saying what was found. */
  message: string;
  /** The first few places, in row order (at most `maxLocations`). */
  locations: QualityLocation[];
  /** Why the check did not run (e.g. the series is unsorted). */
  skipped?: string;
}

export interface GapSummary {
  /** Intervals between consecutive bars with at least one expected bar missing. */
  gaps: number;
  /** Expected bars missing in all gaps together. */
  missingBars: number;
  /** The gap with the most missing bars (the first of equals), or null when there is none. */
  largest: { duration: string; bars: number; from: string; to: string; fromRow: number; toRow: number } | null;
}

export interface QualityReport {
  symbol: string | null;
  timeframe: string;
  calendar: QualityCalendar;
  rows: number;
  first: string | null;
  last: string | null;
  /** True when no error check fired. */
  ok: boolean;
  /** Number of error checks that fired (not bars: each check's `count` says how many bars). */
  errors: number;
  /** Number of warning checks that fired. */
  warnings: number;
  /** Every check, in a fixed order, passed ones included (count 0). */
  checks: QualityCheck[];
  /** Gap statistics; null when the times are not sorted and valid. */
  gaps: GapSummary | null;
  /** Settings used, so the report says what it measured against. */
  settings: { outlierThreshold: number; minRepeatLength: number; maxLocations: number };
}

// ---------------------------------------------------------------------------------------------
// helpers

const DAY_MS = 86_400_000;

/** ISO-8601 UTC text of an epoch-ms time; "invalid" when it is not a finite time. */
export function isoTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? formatTime(ms) : 'invalid';
}

/**
 * A duration written the way traders read it: the largest unit unpadded, then two digits per unit,
 * from the first non-zero unit to the last one: 3d01h, 2d00h03m, 2h50m, 5m, 1d, 30s.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'invalid';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.round(Math.abs(ms) / 1000);
  const parts: Array<[number, string]> = [];
  for (const [size, unit] of [[86_400, 'd'], [3_600, 'h'], [60, 'm'], [1, 's']] as const) {
    parts.push([Math.floor(rest / size), unit]);
    rest %= size;
  }
  const first = parts.findIndex(([v]) => v !== 0);
  if (first < 0) return '0s';
  let last = parts.length - 1;
  while (parts[last][0] === 0) last--;
  let text = sign;
  for (let k = first; k <= last; k++) {
    const [v, unit] = parts[k];
    text += (k === first ? String(v) : String(v).padStart(2, '0')) + unit;
  }
  return text;
}

class Collector {
  count = 0;
  readonly locations: QualityLocation[] = [];
  constructor(private readonly max: number) {}
  add(location: QualityLocation | (() => QualityLocation)): void {
    this.count++;
    if (this.locations.length < this.max) this.locations.push(typeof location === 'function' ? location() : location);
  }
}

function at(bars: Bars, row: number): QualityLocation {
  return { row, time: isoTime(bars.time[row]) };
}

function check(name: QualityCheckName, count: number, message: string, locations: QualityLocation[], skipped?: string): QualityCheck {
  const result: QualityCheck = { check: name, severity: QUALITY_SEVERITY[name], count, message, locations };
  if (skipped !== undefined) result.skipped = skipped;
  return result;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function firstAt(c: Collector): string {
  return c.locations.length > 0 ? ` (first at row ${c.locations[0].row}, ${c.locations[0].time})` : '';
}

// ---------------------------------------------------------------------------------------------
// timestamp checks

/** Non-finite timestamps. */
export function checkInvalidTimes(bars: Bars, maxLocations = DEFAULT_MAX_LOCATIONS): QualityCheck {
  const c = new Collector(maxLocations);
  for (let i = 0; i < bars.length; i++) if (!Number.isFinite(bars.time[i])) c.add({ row: i, time: 'invalid' });
  const msg = c.count === 0 ? 'All timestamps are valid.' : `${plural(c.count, 'timestamp')} are not valid times${firstAt(c)}.`;
  return check('invalid-time', c.count, msg, c.locations);
}

/** Rows whose time is earlier than the row before. */
export function checkUnsorted(bars: Bars, maxLocations = DEFAULT_MAX_LOCATIONS): QualityCheck {
  const c = new Collector(maxLocations);
  const t = bars.time;
  for (let i = 1; i < bars.length; i++) if (t[i] < t[i - 1]) c.add(() => ({ ...at(bars, i), toRow: i - 1, toTime: isoTime(t[i - 1]) }));
  const msg = c.count === 0 ? 'Timestamps are in ascending order.' : `${plural(c.count, 'row')} come before the row above them${firstAt(c)}.`;
  return check('unsorted', c.count, msg, c.locations);
}

/** Rows whose time already occurred earlier (sorted or not); each extra copy counts once. */
export function checkDuplicates(bars: Bars, maxLocations = DEFAULT_MAX_LOCATIONS): QualityCheck {
  const c = new Collector(maxLocations);
  const t = bars.time;
  let sorted = true;
  for (let i = 1; i < bars.length && sorted; i++) if (!(t[i] >= t[i - 1])) sorted = false;
  if (sorted) {
    for (let i = 1; i < bars.length; i++) if (t[i] === t[i - 1]) c.add(() => at(bars, i));
  } else {
    const seen = new Set<number>();
    for (let i = 0; i < bars.length; i++) {
      if (!Number.isFinite(t[i])) continue;
      if (seen.has(t[i])) c.add(() => at(bars, i));
      else seen.add(t[i]);
    }
  }
  const msg = c.count === 0 ? 'No duplicate timestamps.' : `${plural(c.count, 'row')} repeat an earlier timestamp${firstAt(c)}.`;
  return check('duplicate', c.count, msg, c.locations);
}

/** Weekday (Mon..Fri, UTC) slots among `a + k*step` for k >= 1 and below `b`. */
function weekdaySlots(a: number, b: number, step: number): number {
  const total = Math.ceil((b - a) / step) - 1;
  if (total <= 0) return 0;
  const firstSlot = a + step;
  const lastSlot = a + total * step;
  let weekend = 0;
  for (let day = Math.floor(firstSlot / DAY_MS) * DAY_MS; day <= lastSlot; day += DAY_MS) {
    const dow = ((Math.floor(day / DAY_MS) % 7) + 11) % 7; // 1970-01-01 was a Thursday (4); 0 = Sunday
    if (dow !== 0 && dow !== 6) continue;
    const lo = Math.max(day, firstSlot);
    const hi = Math.min(day + DAY_MS - 1, lastSlot);
    const kLo = Math.ceil((lo - a) / step);
    const kHi = Math.floor((hi - a) / step);
    if (kHi >= kLo) weekend += kHi - kLo + 1;
  }
  return total - weekend;
}

/**
 * Gaps against the timeframe (times must be valid and ascending): an interval between consecutive bars
 * in which at least one expected bar slot is empty. Months are calendar months. With calendar
 * 'weekdays' (units s, m, h, d), slots on Saturday or Sunday (UTC) are not expected.
 * Also returns the off-grid intervals: spacings that are not a whole number of bars.
 */
export function findGaps(
  bars: Bars,
  timeframe: Timeframe,
  options: { calendar?: QualityCalendar; maxLocations?: number } = {},
): { gap: QualityCheck; offGrid: QualityCheck; summary: GapSummary } {
  const calendar = options.calendar ?? '24/7';
  const max = options.maxLocations ?? DEFAULT_MAX_LOCATIONS;
  const weekdays = calendar === 'weekdays' && timeframe.unit !== 'w' && timeframe.unit !== 'mo';
  const gaps = new Collector(max);
  const offGrid = new Collector(max);
  const t = bars.time;
  const step = timeframe.ms;
  let missingBars = 0;
  let largest: GapSummary['largest'] = null;
  for (let i = 1; i < bars.length; i++) {
    const a = t[i - 1];
    const b = t[i];
    if (b <= a) continue;
    let slots: number; // expected slots strictly between a and b
    let onGrid: boolean;
    if (timeframe.unit === 'mo') {
      let k = barsBetween(a, b, timeframe);
      onGrid = addTimeframe(a, timeframe, k) === b;
      // Slots strictly before b: the last k with a + k months < b.
      while (k > 0 && addTimeframe(a, timeframe, k) >= b) k--;
      while (addTimeframe(a, timeframe, k + 1) < b) k++;
      slots = k;
    } else {
      const ratio = (b - a) / step;
      onGrid = Number.isInteger(ratio);
      slots = weekdays ? weekdaySlots(a, b, step) : Math.ceil(ratio) - 1;
    }
    if (!onGrid) offGrid.add(() => ({ ...at(bars, i - 1), toRow: i, toTime: isoTime(b), value: b - a }));
    if (slots <= 0) continue;
    missingBars += slots;
    const location = (): QualityLocation => ({
      ...at(bars, i - 1),
      toRow: i,
      toTime: isoTime(b),
      bars: slots,
      duration: formatDuration(b - a),
    });
    gaps.add(location);
    if (largest === null || slots > largest.bars) {
      largest = { duration: formatDuration(b - a), bars: slots, from: isoTime(a), to: isoTime(b), fromRow: i - 1, toRow: i };
    }
  }
  const summary: GapSummary = { gaps: gaps.count, missingBars, largest };
  const gapMsg =
    gaps.count === 0
      ? `No gaps against ${timeframe.label} (${calendar}).`
      : `${plural(gaps.count, 'gap')} against ${timeframe.label} (${calendar}) with ${plural(missingBars, 'missing bar')}, the largest ${largest!.duration} (${plural(largest!.bars, 'bar')}) from ${largest!.from} to ${largest!.to}.`;
  const offMsg =
    offGrid.count === 0
      ? `Every spacing is a whole number of ${timeframe.label} bars.`
      : `${plural(offGrid.count, 'spacing')} between consecutive bars are not a whole number of ${timeframe.label} bars${firstAt(offGrid)}.`;
  return {
    gap: check('gap', gaps.count, gapMsg, gaps.locations),
    offGrid: check('off-grid', offGrid.count, offMsg, offGrid.locations),
    summary,
  };
}

// ---------------------------------------------------------------------------------------------
// price and volume checks

/** Bars with a NaN or infinite open, high, low or close. */
export function checkNanPrices(bars: Bars, maxLocations = DEFAULT_MAX_LOCATIONS): QualityCheck {
  const c = new Collector(maxLocations);
  const { open, high, low, close } = bars;
  for (let i = 0; i < bars.length; i++) {
    if (!(Number.isFinite(open[i]) && Number.isFinite(high[i]) && Number.isFinite(low[i]) && Number.isFinite(close[i]))) c.add(() => at(bars, i));
  }
  const msg = c.count === 0 ? 'No NaN or infinite prices.' : `${plural(c.count, 'bar')} have a NaN or infinite price${firstAt(c)}.`;
  return check('nan-price', c.count, msg, c.locations);
}

/** Bars with an open, high, low or close at or below zero. */
export function checkNonPositivePrices(bars: Bars, maxLocations = DEFAULT_MAX_LOCATIONS): QualityCheck {
  const c = new Collector(maxLocations);
  const { open, high, low, close } = bars;
  for (let i = 0; i < bars.length; i++) if (open[i] <= 0 || high[i] <= 0 || low[i] <= 0 || close[i] <= 0) c.add(() => at(bars, i));
  const msg = c.count === 0 ? 'No zero or negative prices.' : `${plural(c.count, 'bar')} have a zero or negative price${firstAt(c)}.`;
  return check('non-positive-price', c.count, msg, c.locations);
}

/** Bars where high < max(open, close), low > min(open, close) or high < low (NaN prices are left to checkNanPrices). */
export function checkOhlc(bars: Bars, maxLocations = DEFAULT_MAX_LOCATIONS): QualityCheck {
  const c = new Collector(maxLocations);
  const { open, high, low, close } = bars;
  for (let i = 0; i < bars.length; i++) {
    const o = open[i], h = high[i], l = low[i], x = close[i];
    if (h < o || h < x || l > o || l > x || h < l) c.add(() => at(bars, i));
  }
  const msg =
    c.count === 0
      ? 'Every bar has low <= open, close <= high.'
      : `${plural(c.count, 'bar')} break high >= max(open, close) >= min(open, close) >= low${firstAt(c)}.`;
  return check('ohlc', c.count, msg, c.locations);
}

/** Volume checks: negative or infinite (errors), the whole column NaN (info, once), some NaN (warning), zero (warning). */
export function checkVolume(bars: Bars, maxLocations = DEFAULT_MAX_LOCATIONS): { negative: QualityCheck; infinite: QualityCheck; none: QualityCheck; nan: QualityCheck; zero: QualityCheck } {
  const negative = new Collector(maxLocations);
  const infinite = new Collector(maxLocations);
  const nan = new Collector(maxLocations);
  const zero = new Collector(maxLocations);
  const v = bars.volume;
  for (let i = 0; i < bars.length; i++) {
    const x = v[i];
    if (x !== x) nan.add(() => at(bars, i));
    else if (x === Infinity || x === -Infinity) infinite.add(() => at(bars, i));
    else if (x < 0) negative.add(() => at(bars, i));
    else if (x === 0) zero.add(() => at(bars, i));
  }
  const noVolume = bars.length > 0 && nan.count === bars.length;
  return {
    negative: check(
      'negative-volume',
      negative.count,
      negative.count === 0 ? 'No negative volume.' : `${plural(negative.count, 'bar')} have negative volume${firstAt(negative)}.`,
      negative.locations,
    ),
    infinite: check(
      'infinite-volume',
      infinite.count,
      infinite.count === 0 ? 'No infinite volume.' : `${plural(infinite.count, 'bar')} have infinite volume${firstAt(infinite)}.`,
      infinite.locations,
    ),
    none: check('no-volume', noVolume ? 1 : 0, noVolume ? 'The series has no volume (every value is empty/NaN).' : 'The series has volume.', []),
    nan: noVolume
      ? check('nan-volume', 0, 'Not checked per bar: the series has no volume at all.', [])
      : check('nan-volume', nan.count, nan.count === 0 ? 'No missing volume.' : `${plural(nan.count, 'bar')} have no volume (NaN)${firstAt(nan)}.`, nan.locations),
    zero: check('zero-volume', zero.count, zero.count === 0 ? 'No zero-volume bars.' : `${plural(zero.count, 'bar')} have zero volume${firstAt(zero)}.`, zero.locations),
  };
}

/** Bars with open = high = low = close. */
export function checkFlatBars(bars: Bars, maxLocations = DEFAULT_MAX_LOCATIONS): QualityCheck {
  const c = new Collector(maxLocations);
  const { open, high, low, close } = bars;
  for (let i = 0; i < bars.length; i++) if (open[i] === high[i] && high[i] === low[i] && low[i] === close[i]) c.add(() => at(bars, i));
  const msg = c.count === 0 ? 'No flat bars.' : `${plural(c.count, 'flat bar')} (open = high = low = close)${firstAt(c)}.`;
  return check('flat-bar', c.count, msg, c.locations);
}

/**
 * Outlier returns: robust z = 0.6745 * (r - median) / MAD of the log close-to-close returns between
 * consecutive rows with positive finite closes. When the MAD is 0 (more than half the returns are
 * equal), the scale falls back to 1.2533 * mean absolute deviation from the median
 * (z = (r - median) / (1.2533 * meanAD)); when that is 0 too, nothing is flagged.
 * A location is the bar whose close ends the return; `value` is its z-score.
 */
export function checkOutlierReturns(
  bars: Bars,
  threshold = DEFAULT_OUTLIER_THRESHOLD,
  maxLocations = DEFAULT_MAX_LOCATIONS,
): QualityCheck & { median: number; scale: number; maxAbsZ: number } {
  const close = bars.close;
  const n = bars.length;
  const returns = new Float64Array(Math.max(0, n - 1));
  const rows = new Int32Array(Math.max(0, n - 1));
  let m = 0;
  for (let i = 1; i < n; i++) {
    const a = close[i - 1], b = close[i];
    if (a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b)) {
      returns[m] = Math.log(b / a);
      rows[m++] = i;
    }
  }
  const r = returns.subarray(0, m);
  let med = 0;
  let scale = 0; // z = (r - med) / scale
  if (m > 0) {
    med = medianInPlace(Float64Array.from(r));
    const dev = new Float64Array(m);
    let sumDev = 0;
    for (let k = 0; k < m; k++) {
      dev[k] = Math.abs(r[k] - med);
      sumDev += dev[k];
    }
    const mad = medianInPlace(dev);
    if (mad > 0) scale = mad / 0.6745;
    else if (sumDev > 0) scale = 1.2533 * (sumDev / m);
  }
  const c = new Collector(maxLocations);
  let maxAbsZ = 0;
  if (scale > 0) {
    for (let k = 0; k < m; k++) {
      const z = (r[k] - med) / scale;
      const az = Math.abs(z);
      if (az > maxAbsZ) maxAbsZ = az;
      if (az > threshold) c.add(() => ({ ...at(bars, rows[k]), value: Math.round(z * 100) / 100 }));
    }
  }
  const msg =
    c.count === 0
      ? `No close-to-close return has a robust z-score above ${threshold}.`
      : `${plural(c.count, 'return')} have a robust z-score above ${threshold}${firstAt(c)}.`;
  return { ...check('outlier-return', c.count, msg, c.locations), median: med, scale, maxAbsZ };
}

// ---------------------------------------------------------------------------------------------
// repeated blocks

export interface RepeatedBlock {
  /** Bars in the block (maximal: neither copy extends further). */
  length: number;
  /** First row and time of the earlier copy. */
  firstRow: number;
  firstAt: string;
  /** First row and time of the later copy. */
  repeatRow: number;
  repeatAt: string;
}

function mix(h: number, word: number): number {
  h = Math.imul(h ^ word, 0x5bd1e995);
  return (h ^ (h >>> 15)) >>> 0;
}

/** Slots of an open-addressing table for n keys: a power of two, at least twice n. */
function tableMask(n: number): number {
  let size = 2;
  while (size < 2 * n) size *= 2;
  return size - 1;
}

const same = (x: number, y: number) => x === y || (x !== x && y !== y); // NaN equals NaN

/** An integer id per bar: equal ids exactly when all five fields (OHLCV) are equal (NaN equals NaN). */
function barIds(bars: Bars): Int32Array {
  const n = bars.length;
  const { open, high, low, close, volume } = bars;
  const ids = new Int32Array(n);
  const scratch = new Float64Array(1);
  const words = new Uint32Array(scratch.buffer);
  const hashField = (h: number, x: number) => {
    if (x !== x) return mix(mix(h, 0x7ff80000), 0);
    scratch[0] = x === 0 ? 0 : x; // -0 and 0 are equal
    return mix(mix(h, words[0]), words[1]);
  };
  // Open addressing on the bar's content: each slot holds the first row with that content, or -1.
  const mask = tableMask(n);
  const slots = new Int32Array(mask + 1).fill(-1);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const h = hashField(hashField(hashField(hashField(hashField(0x811c9dc5, open[i]), high[i]), low[i]), close[i]), volume[i]);
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const r = slots[k];
      if (r < 0) {
        slots[k] = i;
        ids[i] = next++;
        break;
      }
      if (same(open[r], open[i]) && same(high[r], high[i]) && same(low[r], low[i]) && same(close[r], close[i]) && same(volume[r], volume[i])) {
        ids[i] = ids[r];
        break;
      }
    }
  }
  return ids;
}

/**
 * Runs of at least `minLength` consecutive bars whose OHLCV equals, field for field, a run at an earlier
 * position. Rules (docs/data-quality.md): a seed window whose bars are all identical to each other
 * (a constant run, such as filled-in flat bars) never starts a match; the two copies must not overlap;
 * each match is extended to its maximal length, backwards and forwards, and reported once, against the
 * earliest earlier copy.
 */
export function findRepeatedBlocks(bars: Bars, minLength = DEFAULT_MIN_REPEAT_LENGTH): RepeatedBlock[] {
  const L = Math.max(2, Math.floor(minLength));
  const n = bars.length;
  const blocks: RepeatedBlock[] = [];
  if (n < 2 * L) return blocks;
  const ids = barIds(bars);
  // A window can only repeat (or be repeated) if every one of its bars occurs more than once: in real data
  // most bars are unique, so most windows are skipped without touching the table.
  const occurrences = new Int32Array(n);
  for (let i = 0; i < n; i++) occurrences[ids[i]]++;
  // Open addressing on window content: each slot holds the earliest start of a window with that content.
  // The earliest copy is the only candidate: if it overlaps the window at i, every later copy does too.
  const mask = tableMask(n);
  const slots = new Int32Array(mask + 1).fill(-1);
  const coveredUntil = new Map<number, number>(); // offset (repeat - first) -> end row (exclusive) of the last reported repeat
  const sameWindow = (a: number, b: number) => {
    for (let k = 0; k < L; k++) if (ids[a + k] !== ids[b + k]) return false;
    return true;
  };
  windows: for (let i = 0; i + L <= n; i++) {
    let constant = true;
    let h = 0x9747b28c;
    for (let k = 0; k < L; k++) {
      const id = ids[i + k];
      if (occurrences[id] < 2) continue windows;
      if (id !== ids[i]) constant = false;
      h = mix(h, id);
    }
    if (constant) continue;
    let j = -1;
    for (let k = h & mask; ; k = (k + 1) & mask) {
      const s = slots[k];
      if (s < 0) {
        slots[k] = i;
        break;
      }
      if (sameWindow(s, i)) {
        if (s + L <= i) j = s;
        break;
      }
    }
    if (j < 0) continue;
    const offset = i - j;
    if (i < (coveredUntil.get(offset) ?? -1)) continue;
    // Extend to the maximal non-overlapping match.
    let first = j;
    let repeat = i;
    let length = L;
    while (first > 0 && ids[first - 1] === ids[repeat - 1] && first + length <= repeat - 1) {
      first--;
      repeat--;
      length++;
    }
    while (repeat + length < n && ids[first + length] === ids[repeat + length] && first + length + 1 <= repeat) length++;
    coveredUntil.set(offset, repeat + length);
    blocks.push({ length, firstRow: first, firstAt: isoTime(bars.time[first]), repeatRow: repeat, repeatAt: isoTime(bars.time[repeat]) });
  }
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// the report

/**
 * Runs every check on one series against its timeframe. Never modifies the bars.
 * Gap checks need valid ascending times and are skipped (with a reason) otherwise.
 */
export function validateBars(bars: Bars, timeframe: Timeframe, options: QualityOptions = {}): QualityReport {
  const calendar = options.calendar ?? '24/7';
  if (calendar !== '24/7' && calendar !== 'weekdays') {
    throw new RangeError(`Unknown calendar "${String(calendar)}": use "24/7" or "weekdays".`);
  }
  const outlierThreshold = options.outlierThreshold ?? DEFAULT_OUTLIER_THRESHOLD;
  if (!(outlierThreshold > 0)) throw new RangeError(`Outlier threshold ${outlierThreshold} is not valid: use a number above 0.`);
  const minRepeatLength = options.minRepeatLength ?? DEFAULT_MIN_REPEAT_LENGTH;
  if (!(Number.isInteger(minRepeatLength) && minRepeatLength >= 2)) {
    throw new RangeError(`Minimum repeat length ${minRepeatLength} is not valid: use a whole number of at least 2.`);
  }
  const maxLocations = options.maxLocations ?? DEFAULT_MAX_LOCATIONS;
  if (!(Number.isInteger(maxLocations) && maxLocations >= 0)) {
    throw new RangeError(`maxLocations ${maxLocations} is not valid: use a whole number of at least 0.`);
  }

  const invalid = checkInvalidTimes(bars, maxLocations);
  const unsorted = checkUnsorted(bars, maxLocations);
  const duplicate = checkDuplicates(bars, maxLocations);
  let gap: QualityCheck;
  let offGrid: QualityCheck;
  let gaps: GapSummary | null = null;
  if (invalid.count > 0 || unsorted.count > 0) {
    const reason = invalid.count > 0 ? 'some timestamps are not valid times' : 'the timestamps are not in ascending order';
    gap = check('gap', 0, `Not checked: ${reason}.`, [], reason);
    offGrid = check('off-grid', 0, `Not checked: ${reason}.`, [], reason);
  } else {
    const found = findGaps(bars, timeframe, { calendar, maxLocations });
    gap = found.gap;
    offGrid = found.offGrid;
    gaps = found.summary;
  }
  const volume = checkVolume(bars, maxLocations);
  const outliers = checkOutlierReturns(bars, outlierThreshold, maxLocations);
  const blocks = findRepeatedBlocks(bars, minRepeatLength);
  const repeated = check(
    'repeated-block',
    blocks.length,
    blocks.length === 0
      ? `No run of ${minRepeatLength} or more bars repeats elsewhere.`
      : `${plural(blocks.length, 'block')} of identical consecutive bars repeat an earlier block (first: ${blocks[0].length} bars at ${blocks[0].repeatAt} equal those at ${blocks[0].firstAt}).`,
    blocks.slice(0, maxLocations).map((b) => ({
      row: b.firstRow,
      time: b.firstAt,
      toRow: b.firstRow + b.length - 1,
      toTime: isoTime(bars.time[b.firstRow + b.length - 1]),
      repeatRow: b.repeatRow,
      repeatTime: b.repeatAt,
      bars: b.length,
    })),
  );
  const { median: _m, scale: _s, maxAbsZ: _z, ...outlierCheck } = outliers;

  const checks: QualityCheck[] = [
    invalid,
    unsorted,
    duplicate,
    checkNanPrices(bars, maxLocations),
    checkNonPositivePrices(bars, maxLocations),
    checkOhlc(bars, maxLocations),
    volume.negative,
    volume.infinite,
    gap,
    offGrid,
    volume.none,
    volume.nan,
    volume.zero,
    checkFlatBars(bars, maxLocations),
    outlierCheck,
    repeated,
  ];
  const errors = checks.filter((c) => c.severity === 'error' && c.count > 0).length;
  const warnings = checks.filter((c) => c.severity === 'warning' && c.count > 0).length;
  return {
    symbol: bars.symbol ?? null,
    timeframe: timeframe.label,
    calendar,
    rows: bars.length,
    first: bars.length > 0 ? isoTime(bars.time[0]) : null,
    last: bars.length > 0 ? isoTime(bars.time[bars.length - 1]) : null,
    ok: errors === 0,
    errors,
    warnings,
    checks,
    gaps,
    settings: { outlierThreshold, minRepeatLength, maxLocations },
  };
}

/** The check of that name from a report (every report holds every check). */
export function getCheck(report: QualityReport, name: QualityCheckName): QualityCheck {
  const found = report.checks.find((c) => c.check === name);
  if (!found) throw new Error(`The report has no check "${name}".`);
  return found;
}
