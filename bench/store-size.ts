/**
 * Store size after removing and re-importing a series (issue 7, section 4): the file should return to
 * within 10% of a fresh import's size. Run: npx tsx bench/store-size.ts [bars, default 1000000]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upsertSeries } from '../src/data/import.js';
import { removeSeries } from '../src/data/series.js';
import { withStore, type Store } from '../src/data/store.js';
import { compactStore } from '../src/data/store-compact.js';
import { benchmarkBars } from '../src/data/synthetic.js';
import { parseTimeframe } from '../src/data/timeframe.js';

const n = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'rrr-store-size-'));
const db = join(dir, 'size.duckdb');
const bars = benchmarkBars(n);
const tf = parseTimeframe('1m');
const mb = () => statSync(db).size / 1e6;

const write = (work: (store: Store) => Promise<unknown>) => () => withStore(db, { create: true }, work);
const steps: [string, () => Promise<unknown>][] = [
  ['fresh import', write((s) => upsertSeries(s, 'BENCH', tf, [bars]))],
  ['upsert the same bars again', write((s) => upsertSeries(s, 'BENCH', tf, [bars]))],
  ['data compact', () => compactStore(db)],
  ['upsert the same bars again', write((s) => upsertSeries(s, 'BENCH', tf, [bars]))],
  ['data remove', write((s) => removeSeries(s, 'BENCH', '1m'))],
  ['re-import', write((s) => upsertSeries(s, 'BENCH', tf, [bars]))],
  ['data remove', write((s) => removeSeries(s, 'BENCH', '1m'))],
  ['re-import', write((s) => upsertSeries(s, 'BENCH', tf, [bars]))],
];
console.log(`Store size, ${n.toLocaleString('en-US')} bars of 1m (each step opens and closes the store):`);
let fresh = 0;
for (const [name, step] of steps) {
  const started = performance.now();
  await step();
  const size = mb();
  if (fresh === 0) fresh = size;
  console.log(`  ${name.padEnd(28)} ${size.toFixed(1).padStart(7)} MB  (${((size / fresh) * 100).toFixed(0)}% of fresh, ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
const last = mb();
console.log(`After remove and re-import: ${((last / fresh - 1) * 100).toFixed(1)}% from a fresh import (target: within 10%).`);
rmSync(dir, { recursive: true, force: true });
