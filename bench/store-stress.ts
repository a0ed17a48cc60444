/**
 * Many rrr processes on one store at once (issue 7, section 3): imports, reads and backtests started together,
 * a few at a time up to the total. Prints how many of each exited 0 and whether every write is in the store.
 * Run after `npm run build`: npx tsx bench/store-stress.ts [processes, default 50] [at once, default 10]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const total = Number(process.argv[2] ?? 50);
const atOnce = Number(process.argv[3] ?? 10);
const BIN = resolve('bin/run.js');
const dir = mkdtempSync(join(tmpdir(), 'rrr-stress-'));
const db = join(dir, 'stress.duckdb');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args, '--db', db], { encoding: 'utf8' });

if (run(['demo']).status !== 0) throw new Error('the demo import failed');

type Kind = 'import' | 'read' | 'backtest';
const jobs: { kind: Kind; args: string[] }[] = [];
for (let i = 0; i < total; i++) {
  const k = i % 5;
  if (k === 0) jobs.push({ kind: 'import', args: ['data', 'import', `datasets/demo-${'abc'[i % 3]}_1d.csv`, '--symbol', `S${i}`, '--timeframe', '1d'] });
  else if (k === 1) jobs.push({ kind: 'read', args: ['data', 'list', '--json'] });
  else if (k === 2) jobs.push({ kind: 'read', args: ['data', 'show', 'DEMO-A', '--timeframe', '1d', '--tail', '3'] });
  else if (k === 3) jobs.push({ kind: 'read', args: ['runs', 'list'] });
  else jobs.push({ kind: 'backtest', args: ['backtest', '--strategy', 'sma-cross', '--symbol', `DEMO-${'ABC'[i % 3]}`, '--timeframe', '1d', '--json'] });
}

const counts: Record<Kind, { ok: number; failed: number }> = { import: { ok: 0, failed: 0 }, read: { ok: 0, failed: 0 }, backtest: { ok: 0, failed: 0 } };
const failures: string[] = [];
let runIds = 0;
const started = performance.now();
let next = 0;
async function worker(): Promise<void> {
  while (next < jobs.length) {
    const job = jobs[next++];
    const child = spawn(process.execPath, [BIN, ...job.args, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const status = await new Promise<number | null>((done) => child.on('close', done));
    if (status === 0) {
      counts[job.kind].ok++;
      if (job.kind === 'backtest' && JSON.parse(out).runId > 0) runIds++;
    } else {
      counts[job.kind].failed++;
      failures.push(`${job.args.join(' ')} -> ${status}: ${(err || out).trim()}`);
    }
  }
}
await Promise.all(Array.from({ length: atOnce }, worker));
const seconds = (performance.now() - started) / 1000;

const series = JSON.parse(run(['data', 'list', '--json']).stdout).series as { symbol: string; rows: number }[];
const runs = JSON.parse(run(['runs', 'list', '--json', '--limit', '1000']).stdout).runs as unknown[];
const imported = jobs.filter((j) => j.kind === 'import').map((j) => j.args[4]);
const missing = imported.filter((s) => !series.some((x) => x.symbol === s && x.rows === 2192));
console.log(`${total} processes, ${atOnce} at a time, on one store: ${seconds.toFixed(1)} s`);
for (const [kind, c] of Object.entries(counts)) console.log(`  ${kind.padEnd(9)} ${c.ok} exited 0, ${c.failed} failed`);
console.log(`  imported series present: ${imported.length - missing.length} of ${imported.length}${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`);
console.log(`  runs recorded: ${runs.length - 1} of ${runIds} backtests that reported a run id (plus the demo's)`);
for (const f of failures.slice(0, 10)) console.log(`  failed: ${f}`);
rmSync(dir, { recursive: true, force: true });
if (failures.length > 0 || missing.length > 0 || runs.length - 1 !== runIds) process.exitCode = 1;
