import { sliceBars } from './bars.js';
import { assertSymbol, upsertSeries, type UpsertResult } from './import.js';
import { loadBars } from './load.js';
import { resampleBars } from './resample.js';
import type { Store } from './store.js';
import { formatTime } from './time.js';
import { parseTimeframe } from './timeframe.js';
import { UserError } from '../errors.js';

export interface ResampleSeriesOptions {
  symbol: string;
  fromTimeframe: string;
  toTimeframe: string;
  /** Store the result under this symbol (default: the source symbol). */
  as?: string;
  /** First and last source bar times to resample (epoch ms, inclusive); default: the whole series. */
  from?: number;
  to?: number;
  /** Also store a last bar whose bucket the source does not complete. */
  keepPartial?: boolean;
  /**
   * Allow `as` to name another symbol that already has bars at the target timeframe: that whole series is
   * deleted and replaced by the resample. Without it such a resample is refused.
   */
  replace?: boolean;
}

export interface ResampleSeriesResult extends UpsertResult {
  symbol: string;
  fromTimeframe: string;
  timeframe: string;
  sourceBars: number;
  /** Time of the partial last bar, when the source ends inside the last bucket. */
  partialLast: string | null;
  /** Whether that partial bar was stored (--keep-partial) or left out. */
  partialStored: boolean;
  /** Bars of another series (`as`) deleted by `replace` before the resample was stored. */
  replacedSeriesBars: number;
}

/**
 * Resamples a stored series into another timeframe of the store. Under the same symbol the result is
 * upserted (a re-resample refreshes it); under another symbol (`as`) it may create a series, but never
 * merges into an existing one unless `replace` says to replace that series whole.
 * A partial last bar would look like a complete one to a backtest, so it is left out unless `keepPartial`.
 */
export async function resampleSeries(store: Store, options: ResampleSeriesOptions): Promise<ResampleSeriesResult> {
  const target = options.as ?? options.symbol;
  if (options.as !== undefined) assertSymbol(options.as, '--as');
  if (options.replace && target === options.symbol) {
    throw new UserError(`--replace applies only with --as OTHER-SYMBOL: resampling ${options.symbol} into itself already refreshes (upserts) its bars.`, { code: 'RRR_BAD_FLAG' });
  }
  const from = parseTimeframe(options.fromTimeframe);
  const to = parseTimeframe(options.toTimeframe);
  let existing = 0;
  if (target !== options.symbol) {
    const [row] = await store.rows('SELECT count(*)::DOUBLE AS n FROM bars WHERE symbol = ? AND timeframe = ?', [target, to.label]);
    existing = Number(row.n);
    if (existing > 0 && !options.replace) {
      throw new UserError(
        `${target} already has ${existing} ${to.label} bars, which are not a resample of ${options.symbol}: pass --replace to replace that whole series, or choose another --as.`,
        { exitCode: 2, code: 'RRR_SERIES_EXISTS' },
      );
    }
  }
  const source = await loadBars({ store, symbol: options.symbol, timeframe: from.label, from: options.from, to: options.to });
  const result = resampleBars(source, from, to);
  const dropLast = result.partialLast && !options.keepPartial;
  const bars = dropLast ? sliceBars(result.bars, 0, result.bars.length - 1) : result.bars;
  if (bars.length === 0) {
    throw new UserError(`The ${source.length} ${from.label} bars of ${options.symbol} fill no complete ${to.label} bar: pass --keep-partial to store the partial one, or resample a longer range.`, { exitCode: 1, code: 'RRR_EMPTY_RANGE' });
  }
  const stored = await upsertSeries(store, target, to, [bars], { replace: existing > 0 });
  return {
    symbol: target,
    fromTimeframe: from.label,
    timeframe: to.label,
    sourceBars: source.length,
    partialLast: result.partialLast ? formatTime(result.bars.time[result.bars.length - 1]) : null,
    partialStored: result.partialLast && !dropLast,
    replacedSeriesBars: existing,
    ...stored,
  };
}
