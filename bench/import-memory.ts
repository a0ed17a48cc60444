/**
 * Peak memory of `rrr data import` on a large CSV, measured on the built CLI in a child process:
 * a fresh import of N bars, then an upsert of N different bars over the same N times (every bar replaced,
 * the worst case: nothing can be appended). Run after `npm run build`:
 *
 *   npx tsx bench/import-memory.ts [rows, default 5000000]
 *
 * (Schema version 3 dropped the primary key on bars: DuckDB kept its index in memory, twice while
 * committing, which was most of what an import of millions of bars cost.)
 *
 * Peak RSS comes from GNU time (`/usr/bin/time -v`) when present, else from a wrapper that prints the
 * child's own `process.resourceUsage().maxRSS` when it exits. Targets: both under 1 GB.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarkBars } from '../src/data/synthetic.js';

const rows = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 5_000_000);
if (!(Number.isInteger(rows) && rows > 1)) throw new Error(`Give a whole number of rows above 1, not "${process.argv[2]}".`);
const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const TARGET_MB = 1024;

async function writeCsv(path: string, seed: number): Promise<void> {
  const bars = benchmarkBars(rows, seed);
  const out = createWriteStream(path);
  out.write('timestamp,open,high,low,close,volume\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += `${new Date(bars.time[i]).toISOString()},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

const gnuTime = existsSync('/usr/bin/time');
// Without GNU time, a wrapper loads the CLI in-process and prints its peak RSS as it exits.
const WRAPPER = `process.on('exit', () => process.stderr.write('maxrss_kb ' + process.resourceUsage().maxRSS + '\\n')); process.argv.splice(1, 1); await import(process.argv[1]);`;

function importPeak(file: string, db: string): { mb: number; seconds: number; output: string } {
  const args = ['data', 'import', file, '--symbol', 'BENCH', '--timeframe', '1m', '--db', db];
  const t0 = performance.now();
  const r = gnuTime
    ? spawnSync('/usr/bin/time', ['-v', process.execPath, BIN, ...args], { encoding: 'utf8' })
    : spawnSync(process.execPath, ['--input-type=module', '-e', WRAPPER, 'wrapper', BIN, ...args], { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`rrr data import failed (exit ${r.status}): ${r.stderr}`);
  const kb = gnuTime ? /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] : /maxrss_kb (\d+)/.exec(r.stderr)?.[1];
  if (kb === undefined) throw new Error(`No peak RSS in the output: ${r.stderr}`);
  return { mb: Number(kb) / 1024, seconds, output: r.stdout.trim() };
}

const dir = mkdtempSync(join(tmpdir(), 'rrr-import-memory-'));
try {
  const first = join(dir, 'first.csv');
  const second = join(dir, 'second.csv');
  await writeCsv(first, 42);
  await writeCsv(second, 43);
  const db = join(dir, 'bench.duckdb');
  console.log(`${rows.toLocaleString('en-US')} 1m bars, CSV ${(statSync(first).size / 2 ** 20).toFixed(0)} MB; peak RSS by ${gnuTime ? '/usr/bin/time -v' : 'process.resourceUsage()'}; target < ${TARGET_MB} MB each`);
  for (const [name, file] of [['import into an empty store', first], ['upsert over the same times', second]] as const) {
    const r = importPeak(file, db);
    console.log(`${name.padEnd(28)} peak RSS ${r.mb.toFixed(0).padStart(5)} MB  ${r.seconds.toFixed(1).padStart(6)} s  ${r.mb < TARGET_MB ? 'ok' : 'OVER TARGET'}  (${r.output})`);
  }
  console.log(`store file after both: ${(statSync(db).size / 2 ** 20).toFixed(0)} MB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
