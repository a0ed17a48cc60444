import { fileURLToPath } from 'node:url';
import { importBars, type ImportResult } from './import.js';
import type { Store } from './store.js';

/** The synthetic demo series shipped in datasets/ (model and seed in datasets/README.md). */
export const DEMO_SERIES = [
  { symbol: 'DEMO-A', file: 'demo-a_1d.csv' },
  { symbol: 'DEMO-B', file: 'demo-b_1d.csv' },
  { symbol: 'DEMO-C', file: 'demo-c_1d.csv' },
] as const;
export const DEMO_TIMEFRAME = '1d';

export function demoPath(file: string): string {
  // dist/data/demo.js and src/data/demo.ts both sit two levels below the package root.
  return fileURLToPath(new URL(`../../datasets/${file}`, import.meta.url));
}

/** Imports (upserts) the demo series into the store; running it twice changes nothing. */
export async function importDemo(store: Store): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  for (const { symbol, file } of DEMO_SERIES) {
    results.push(await importBars(store, [demoPath(file)], { symbol, timeframe: DEMO_TIMEFRAME }));
  }
  return results;
}
