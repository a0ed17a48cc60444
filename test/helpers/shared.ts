import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'vitest';
import { allocateBars, type Bars } from '../../src/data/bars.js';

/** The real market data beside the repo; absent in a user's clone. */
export const SHARED_DATASETS = resolve(process.cwd(), '../shared/datasets');

/**
 * RRR_HIDE_SHARED=1 runs the suite as a user's clone sees it (no ../shared), so CI proves both ways pass
 * without moving the read-only folder.
 */
const hidden = process.env.RRR_HIDE_SHARED === '1';
export const hasShared = !hidden && existsSync(SHARED_DATASETS);

if (!hasShared && !hidden && process.env.CI === 'true') {
  throw new Error(`CI=true but ${SHARED_DATASETS} is missing: the real-data tests cannot run.`);
}

export const SHARED_SKIP_REASON = 'skipped: ../shared/datasets not found beside the repo';

/**
 * describe() that runs only where ../shared/datasets exists. Elsewhere its body is never called (vitest
 * calls the body of a skipped suite to collect it, and a body that reads a shared file would then fail the
 * whole file); one skipped test carries the one-line reason instead.
 */
export const describeShared = (name: string, fn: () => void) =>
  hasShared ? describe(name, fn) : describe(name, () => it.skip(SHARED_SKIP_REASON, () => {}));

export function sharedPath(file: string): string {
  return resolve(SHARED_DATASETS, file);
}

/**
 * A deliberately plain CSV reader for the shared files (header timestamp,open,high,low,close,volume,
 * ISO-8601 UTC times): a second implementation to check the DuckDB import against.
 */
export function readSharedCsv(file: string): Bars {
  return readCsvBars(sharedPath(file));
}

/** The same plain reader for any file in that format (e.g. the demo data in datasets/). */
export function readCsvBars(path: string): Bars {
  const file = path.replace(/^.*[\\/]/, '');
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const n = lines.length - 1;
  const bars = allocateBars(n, { symbol: file.replace(/\.csv$/, '') });
  for (let i = 0; i < n; i++) {
    const [ts, o, h, l, c, v] = lines[i + 1].split(',');
    bars.time[i] = Date.parse(ts);
    bars.open[i] = Number(o);
    bars.high[i] = Number(h);
    bars.low[i] = Number(l);
    bars.close[i] = Number(c);
    bars.volume[i] = v === '' || v === undefined ? NaN : Number(v);
  }
  return bars;
}
