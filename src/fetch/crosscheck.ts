import { concatBars, type Bars } from '../data/bars.js';
import { permuteBars } from '../data/sort.js';
import { formatTime } from '../data/time.js';
import { addTimeframe, type Timeframe } from '../data/timeframe.js';
import type { BarSource } from './types.js';

export interface Tolerance {
  /** Largest difference of a price (open, high, low, close) not reported, in basis points of the first source's. */
  priceBps: number;
  /** Largest difference of the volume not reported, in percent of the first source's. */
  volumePct: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { priceBps: 10, volumePct: 5 };

export interface BarDifference {
  time: string;
  field: 'open' | 'high' | 'low' | 'close' | 'volume';
  a: number | null;
  b: number | null;
  /** bps for prices, percent for volume; null when one side has no value. */
  difference: number | null;
}

export interface CrosscheckReport {
  sources: [string, string];
  tolerance: Tolerance;
  /** Bars at times both sources have. */
  compared: number;
  onlyA: number;
  onlyB: number;
  /** Bars with at least one field beyond the tolerance. */
  differingBars: number;
  /** Field -> bars where it differs beyond the tolerance. */
  byField: Record<string, number>;
  differences: BarDifference[];
}

const PRICES = ['open', 'high', 'low', 'close'] as const;

/**
 * The bars of two sources compared at the times both have (both sorted by time): a price differs when
 * |b - a| / |a| exceeds priceBps / 10,000; a volume when |b - a| / |a| exceeds volumePct / 100 (when a is 0,
 * any other b differs), or when one side has a volume and the other none.
 */
export function compareBars(a: Bars, b: Bars, names: [string, string], tolerance: Tolerance = DEFAULT_TOLERANCE): CrosscheckReport {
  const differences: BarDifference[] = [];
  const byField: Record<string, number> = {};
  let compared = 0;
  let differingBars = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a.time[i] < b.time[j]) { i++; continue; }
    if (a.time[i] > b.time[j]) { j++; continue; }
    compared++;
    let differs = false;
    const note = (field: BarDifference['field'], x: number, y: number, difference: number | null) => {
      differs = true;
      byField[field] = (byField[field] ?? 0) + 1;
      differences.push({ time: formatTime(a.time[i]), field, a: Number.isNaN(x) ? null : x, b: Number.isNaN(y) ? null : y, difference });
    };
    for (const field of PRICES) {
      const x = a[field][i];
      const y = b[field][j];
      const bps = (Math.abs(y - x) / Math.abs(x)) * 10_000;
      if (x !== y && !(bps <= tolerance.priceBps)) note(field, x, y, Number.isFinite(bps) ? bps : null);
    }
    const x = a.volume[i];
    const y = b.volume[j];
    if (Number.isNaN(x) !== Number.isNaN(y)) note('volume', x, y, null);
    else if (!Number.isNaN(x) && x !== y) {
      const pct = (Math.abs(y - x) / Math.abs(x)) * 100;
      if (!(pct <= tolerance.volumePct)) note('volume', x, y, Number.isFinite(pct) ? pct : null);
    }
    if (differs) differingBars++;
    i++;
    j++;
  }
  const common = compared;
  return { sources: names, tolerance, compared, onlyA: a.length - common, onlyB: b.length - common, differingBars, byField, differences };
}

/** Every closed bar a source has in [since, until], in memory (a crosscheck's window, not a backfill). */
export async function collectBars(source: BarSource, symbol: string, timeframe: Timeframe, since: number, until: number, now: number): Promise<Bars> {
  const parts: Bars[] = [];
  let last = since - 1;
  for await (const page of source.pages(symbol, timeframe, since, until)) {
    const keep: number[] = [];
    for (let i = 0; i < page.bars.length; i++) {
      const t = page.bars.time[i];
      if (t > last && t <= until && addTimeframe(t, timeframe) <= now) {
        keep.push(i);
        last = t;
      }
    }
    parts.push(permuteBars(page.bars, Uint32Array.from(keep)));
  }
  return concatBars(parts);
}
