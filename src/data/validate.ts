import { existsSync } from 'node:fs';
import type { Bars } from './bars.js';
import { validateBars, type QualityOptions, type QualityReport } from './quality.js';
import { readBarsFile, type ReadOptions } from './readers.js';
import { assertSeries, listSeries } from './series.js';
import { loadBars } from './load.js';
import { Store, withStore } from './store.js';
import { inferTimeframe, parseTimeframe } from './timeframe.js';

export interface ValidateOptions extends QualityOptions, ReadOptions {
  db: string;
  timeframe?: string;
}

/**
 * Quality reports for a target: a bar file (read as is, so unsorted or duplicate rows are reported),
 * a stored symbol (all its timeframes, or --timeframe), or, with no target, every stored series.
 */
export async function validateTarget(target: string | undefined, options: ValidateOptions): Promise<QualityReport[]> {
  if (target !== undefined && (existsSync(target) || /\.(csv|txt|tsv|parquet|pq|arrow|feather|ipc)$/i.test(target))) {
    const scratch = await Store.scratch();
    try {
      const { bars } = await readBarsFile(scratch, target, options);
      const timeframe = parseTimeframe(options.timeframe ?? inferTimeframe(bars.time, target));
      return [validateBars({ ...bars, symbol: target }, timeframe, options)];
    } finally {
      scratch.close();
    }
  }
  return withStore(options.db, { readOnly: true }, async (store) => {
    let series = await listSeries(store);
    if (target !== undefined) {
      const timeframe = options.timeframe === undefined ? undefined : parseTimeframe(options.timeframe).label;
      await assertSeries(store, target, timeframe);
      series = series.filter((s) => s.symbol === target && (timeframe === undefined || s.timeframe === timeframe));
    }
    const reports: QualityReport[] = [];
    for (const s of series) {
      const bars = await loadBars({ store, symbol: s.symbol, timeframe: s.timeframe });
      reports.push(validateBars(bars, parseTimeframe(s.timeframe), options));
    }
    return reports;
  });
}
