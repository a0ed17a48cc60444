import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { importBars, upsertSeries } from '../src/data/import.js';
import { loadBars } from '../src/data/load.js';
import { Store } from '../src/data/store.js';
import { benchmarkBars } from '../src/data/synthetic.js';
import { parseTimeframe } from '../src/data/timeframe.js';
import { check, measure, report, type Measurement } from './harness.js';

export async function dataBenchmarks(): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'rrr-bench-'));
  const perp = resolve('../shared/datasets/btc-perp_1m.csv');
  if (existsSync(perp)) {
    let k = 0;
    rows.push(await measure('import btc-perp_1m.csv (45,031 rows) into a new store', async () => {
      const store = await Store.open(join(dir, `import-${k++}.duckdb`));
      try {
        const r = await importBars(store, [perp], { symbol: 'BTC-PERP', timeframe: '1m' });
        check(r.added === 45031, 'all rows imported');
      } finally {
        store.close();
      }
    }));
  } else {
    console.log('(skipping the import benchmark: ../shared/datasets not found)');
  }

  const db = join(dir, 'million.duckdb');
  const store = await Store.open(db);
  const source = benchmarkBars(1_000_000);
  await upsertSeries(store, 'BENCH', parseTimeframe('1m'), [source]);
  rows.push(await measure('load 1,000,000 bars from the store into Float64Arrays', async () => {
    const bars = await loadBars({ store, symbol: 'BENCH', timeframe: '1m' });
    check(bars.length === 1_000_000 && bars.close[999_999] === source.close[999_999], 'loaded the stored bars');
  }, { runs: 7 }));
  store.close();

  rows.push(await measure('`rrr --help` start-up (node bin/run.js --help)', () => {
    const r = spawnSync(process.execPath, ['bin/run.js', '--help'], { encoding: 'utf8' });
    check(r.status === 0 && r.stdout.includes('data'), 'help printed');
  }, { runs: 10 }));
  report('Data (issue 2): import, load, start-up', rows);
  return rows;
}
