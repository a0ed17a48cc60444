import type { Bars } from '../data/bars.js';
import { permuteBars } from '../data/sort.js';
import { checkNanPrices, checkNonPositivePrices, checkOhlc, checkVolume, type QualityCheck } from '../data/quality.js';
import { formatTime } from '../data/time.js';
import { addTimeframe, type Timeframe } from '../data/timeframe.js';

/** Bars a source sent that were not stored, by rule, with the first few times. */
export interface RefusedBars {
  count: number;
  /** Rule -> how many bars broke it. */
  rules: Record<string, number>;
  /** The first few refused bars: time, source and the rules they broke. */
  examples: Array<{ time: string; source: string; rules: string[] }>;
}

export const emptyRefused = (): RefusedBars => ({ count: 0, rules: {}, examples: [] });

/**
 * Keeps the bars of a page that `data import` would store (its rules, without --keep-invalid: no NaN or
 * infinite prices or volume, no zero or negative prices, no OHLC violation, no negative volume), that are
 * closed by `now`, within [after, until] and after the last kept bar (pages may overlap); the refused ones
 * are added to `refused`. Bars out of range or already kept are dropped silently: they are not the venue's
 * fault. The unfinished bar is dropped and not counted: it is fetched again once it has closed.
 */
export function keepValidBars(page: Bars, timeframe: Timeframe, window: { after: number; until: number; now: number }, source: string, refused: RefusedBars): Bars {
  const n = page.length;
  const bad = new Map<number, string[]>();
  const rules: Array<[string, QualityCheck]> = [];
  const volume = checkVolume(page, n);
  rules.push(['nan-price', checkNanPrices(page, n)], ['non-positive-price', checkNonPositivePrices(page, n)], ['ohlc', checkOhlc(page, n)], ['negative-volume', volume.negative], ['infinite-volume', volume.infinite]);
  for (const [rule, check] of rules) {
    for (const location of check.locations) bad.set(location.row, [...(bad.get(location.row) ?? []), rule]);
  }
  const keep: number[] = [];
  let last = window.after;
  for (let i = 0; i < n; i++) {
    const t = page.time[i];
    if (!Number.isInteger(t) || t <= last || t > window.until || addTimeframe(t, timeframe) > window.now) continue;
    const broke = bad.get(i);
    if (broke) {
      refused.count++;
      for (const rule of broke) refused.rules[rule] = (refused.rules[rule] ?? 0) + 1;
      if (refused.examples.length < 5) refused.examples.push({ time: formatTime(t), source, rules: broke });
      last = t; // counted once, even when the next page repeats it
      continue;
    }
    keep.push(i);
    last = t;
  }
  if (keep.length === n) return page;
  return permuteBars(page, Uint32Array.from(keep));
}
