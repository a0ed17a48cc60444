/**
 * Resampling bars to a coarser timeframe. Pure: bars in, new bars out. Rules (docs/data-quality.md):
 * buckets are UTC boundaries of the target timeframe (floorToTimeframe; weeks start Monday, months are
 * calendar months) and each output bar is labelled with its bucket's start; source labels are taken to
 * mark the bar's open. open = first open, high = max, low = min, close = last close, volume = sum.
 * An empty bucket emits no bar (no forward fill). NaN in a source field makes that field of its output
 * bar NaN (volume included), so missing data stays visible.
 */
import { allocateBars, type Bars } from './bars.js';
import { formatTime } from './time.js';
import { addTimeframe, floorToTimeframe, type Timeframe } from './timeframe.js';

const DAY_MS = 86_400_000;
/** Weekly buckets start on Monday 1970-01-05, four days after the epoch. */
const WEEK_ANCHOR_MS = 4 * DAY_MS;

export interface ResampleResult {
  /** One bar per non-empty bucket, labelled with the bucket start; timeframe = target label. */
  bars: Bars;
  /** Source bars aggregated into each output bar. */
  counts: Int32Array;
  /** The first output bar's bucket starts before the first source bar (its first source bars are missing). */
  partialFirst: boolean;
  /** The last bucket lacks its final source bars: last source time + one source bar < bucket end. */
  partialLast: boolean;
  from: string;
  to: string;
}

/** True when every bucket of `to` is made of whole bars of `from` on the same UTC grid. */
export function isWholeMultiple(from: Timeframe, to: Timeframe): boolean {
  if (to.unit === 'mo') {
    if (from.unit === 'mo') return to.count % from.count === 0;
    return from.unit !== 'w' && DAY_MS % from.ms === 0;
  }
  if (from.unit === 'mo') return false;
  if (to.ms % from.ms !== 0) return false;
  if (to.unit === 'w' && from.unit !== 'w') return WEEK_ANCHOR_MS % from.ms === 0;
  return true;
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? formatTime(ms) : String(ms);
}

/**
 * Aggregates `bars` of timeframe `from` into bars of timeframe `to`.
 * Throws a RangeError when `to` is not a whole multiple of `from`, when the times are not strictly
 * ascending, or when two bars are closer than one `from` bar (the source timeframe is then wrong).
 */
export function resampleBars(bars: Bars, from: Timeframe, to: Timeframe): ResampleResult {
  if (!isWholeMultiple(from, to)) {
    throw new RangeError(
      `Cannot resample ${from.label} bars to ${to.label}: ${to.label} is not a whole multiple of ${from.label}, so choose a target made of whole ${from.label} bars.`,
    );
  }
  const n = bars.length;
  const t = bars.time;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(t[i])) {
      throw new RangeError(`Cannot resample: row ${i} has no valid time (${t[i]}); run "rrr data validate" to list such rows.`);
    }
    if (i > 0 && !(t[i] > t[i - 1])) {
      throw new RangeError(
        `Cannot resample: bar times must be strictly ascending, but row ${i} (${iso(t[i])}) is not after row ${i - 1} (${iso(t[i - 1])}); sort the bars and remove duplicates first.`,
      );
    }
    if (i > 0 && from.unit !== 'mo' && t[i] - t[i - 1] < from.ms) {
      throw new RangeError(
        `Cannot resample as ${from.label} bars: row ${i} (${iso(t[i])}) is only ${(t[i] - t[i - 1]) / 1000}s after row ${i - 1}, less than one ${from.label} bar; check the source timeframe.`,
      );
    }
  }

  // Pass 1: count buckets. A bucket ends at `end`; the floor is recomputed only when a bar crosses it.
  let buckets = 0;
  let end = -Infinity;
  for (let i = 0; i < n; i++) {
    if (t[i] >= end) {
      const start = floorToTimeframe(t[i], to);
      end = addTimeframe(start, to);
      buckets++;
    }
  }

  const out = allocateBars(buckets, { symbol: bars.symbol, timeframe: to.label });
  const counts = new Int32Array(buckets);
  const { open, high, low, close, volume } = bars;
  let k = -1;
  let lastStart = NaN;
  end = -Infinity;
  for (let i = 0; i < n; i++) {
    if (t[i] >= end) {
      const start = floorToTimeframe(t[i], to);
      end = addTimeframe(start, to);
      lastStart = start;
      k++;
      out.time[k] = start;
      out.open[k] = open[i];
      out.high[k] = high[i];
      out.low[k] = low[i];
      out.close[k] = close[i];
      out.volume[k] = volume[i];
      counts[k] = 1;
      continue;
    }
    // Math.max/min propagate NaN, and so does the sum.
    out.high[k] = Math.max(out.high[k], high[i]);
    out.low[k] = Math.min(out.low[k], low[i]);
    out.close[k] = close[i];
    out.volume[k] += volume[i];
    counts[k]++;
  }

  // The source bar before the first one would still fall in the first bucket: its start is missing.
  const partialFirst = n > 0 && addTimeframe(t[0], from, -1) >= floorToTimeframe(t[0], to);
  const partialLast = n > 0 && addTimeframe(t[n - 1], from) < addTimeframe(lastStart, to);
  return { bars: out, counts, partialFirst, partialLast, from: from.label, to: to.label };
}
