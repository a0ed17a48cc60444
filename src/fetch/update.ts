import { existsSync } from 'node:fs';
import { withStore } from '../data/store.js';
import { isUserError, UserError } from '../errors.js';
import { fetchBars, type FetchOptions, type FetchResult } from './pipeline.js';
import { fetchedSeries, type FetchedSeries, type SourceRef } from './provenance.js';
import { createSources, type SourceSettings } from './sources.js';

export interface UpdateOptions extends SourceSettings {
  db: string;
  symbol?: string;
  timeframe?: string;
  /** Source name -> URL, replacing the recorded one (--exchange-url NAME=URL, --vendor-url). */
  urls?: Map<string, string>;
  flushBars?: number;
  onSeries?: (series: FetchedSeries) => void;
  onProgress?: FetchOptions['onProgress'];
  onNotice?: FetchOptions['onNotice'];
}

export interface UpdateResult {
  updated: FetchResult[];
  failed: Array<{ symbol: string; timeframe: string; error: string }>;
}

/**
 * Brings every series that came from a source (or the one named) up to its sources' last closed bar, from
 * the same sources in the same order as its fetch; one failing series does not stop the others.
 */
export async function updateSeries(options: UpdateOptions): Promise<UpdateResult> {
  if (!existsSync(options.db)) throw new UserError(`No store at ${options.db}: fetch a series first with "rrr data fetch", or pass --db PATH.`, { exitCode: 1, code: 'RRR_NO_STORE' });
  let all = await withStore(options.db, { readOnly: true }, fetchedSeries);
  if (options.symbol !== undefined) {
    const known = all.map((s) => s.symbol);
    all = all.filter((s) => s.symbol === options.symbol && (options.timeframe === undefined || s.timeframe === options.timeframe));
    if (all.length === 0) {
      const { suggestion } = await import('../errors.js');
      const hint = known.length > 0 ? suggestion(options.symbol, [...new Set(known)], 'fetched symbols') : '';
      throw new UserError(`No series ${options.symbol}${options.timeframe ? ` ${options.timeframe}` : ''} in ${options.db} came from a source.${hint}`, { exitCode: 1, code: 'RRR_UNKNOWN_SYMBOL' });
    }
  }
  const result: UpdateResult = { updated: [], failed: [] };
  for (const series of all) {
    options.onSeries?.(series);
    const refs: SourceRef[] = series.sources.map((s) => {
      const url = options.urls?.get(s.name) ?? s.url;
      return url === undefined ? { name: s.name } : { name: s.name, url };
    });
    try {
      const sources = await createSources(refs, options);
      result.updated.push(
        await fetchBars({ db: options.db, symbol: series.symbol, sourceSymbol: series.sourceSymbol, timeframe: series.timeframe, sources, flushBars: options.flushBars, onProgress: options.onProgress, onNotice: options.onNotice }),
      );
    } catch (error) {
      if (!isUserError(error)) throw error;
      result.failed.push({ symbol: series.symbol, timeframe: series.timeframe, error: error.message });
    }
  }
  return result;
}
