import { sliceBars } from './bars.js';
import { upsertSeries, type UpsertResult } from './import.js';
import { loadBars } from './load.js';
import { resampleBars } from './resample.js';
import type { Store } from './store.js';
import { formatTime } from './time.js';
import { parseTimeframe } from './timeframe.js';

export interface ResampleSeriesResult extends UpsertResult {
  symbol: string;
  fromTimeframe: string;
  timeframe: string;
  sourceBars: number;
  /** Time of the partial last bar, when the source ends inside the last bucket. */
  partialLast: string | null;
  /** Whether that partial bar was stored (--keep-partial) or left out. */
  partialStored: boolean;
}

/**
 * Resamples a stored series into another timeframe of the store (under `as`, default the same symbol).
 * A partial last bar would look like a complete one to a backtest, so it is left out unless `keepPartial`.
 */
export async function resampleSeries(
  store: Store,
  options: { symbol: string; fromTimeframe: string; toTimeframe: string; as?: string; keepPartial?: boolean },
): Promise<ResampleSeriesResult> {
  const from = parseTimeframe(options.fromTimeframe);
  const to = parseTimeframe(options.toTimeframe);
  const source = await loadBars({ store, symbol: options.symbol, timeframe: from.label });
  const result = resampleBars(source, from, to);
  const dropLast = result.partialLast && !options.keepPartial;
  const bars = dropLast ? sliceBars(result.bars, 0, result.bars.length - 1) : result.bars;
  const target = options.as ?? options.symbol;
  const stored = await upsertSeries(store, target, to, [bars]);
  return {
    symbol: target,
    fromTimeframe: from.label,
    timeframe: to.label,
    sourceBars: source.length,
    partialLast: result.partialLast ? formatTime(result.bars.time[result.bars.length - 1]) : null,
    partialStored: result.partialLast && !dropLast,
    ...stored,
  };
}
