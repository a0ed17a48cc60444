import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rrr, tempDir } from '../helpers/cli.js';

const BIN = resolve(process.cwd(), 'bin/run.js');

interface Outcome {
  args: string[];
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the built CLI without waiting for it, so several run at once. */
function start(args: string[]): Promise<Outcome> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, RRR_DB: undefined }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('close', (status) => done({ args, status, stdout, stderr })));
}

/** Another process holding the store open for writing until its stdin closes: prints "held" once it has it. */
function holdForWriting(db: string): Promise<ChildProcess> {
  const script = `
    import { DuckDBInstance } from '@duckdb/node-api';
    const instance = await DuckDBInstance.create(process.argv[1]);
    process.stdout.write('held\\n');
    process.stdin.resume();
    process.stdin.on('end', () => { instance.closeSync(); process.exit(0); });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, db], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((done, fail) => {
    child.stdout!.once('data', () => done(child));
    child.once('exit', (code) => fail(new Error(`the holder exited with ${code}`)));
  });
}

const failed = (outcomes: Outcome[]) => outcomes.filter((o) => o.status !== 0).map((o) => `${o.args.join(' ')} -> ${o.status}: ${o.stderr}`);

describe('many rrr processes share one store', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('rrr-concurrent-');
  });

  it('4 importers of different symbols creating the same new store all succeed, and every series is stored', async () => {
    const db = join(dir, 'fresh.duckdb');
    const outcomes = await Promise.all(['A', 'B', 'C', 'D'].map((s) => start(['data', 'import', 'datasets/demo-a_1d.csv', '--symbol', `NEW-${s}`, '--timeframe', '1d', '--db', db])));
    expect(failed(outcomes)).toEqual([]);
    const series = rrr(['data', 'list', '--json', '--db', db]).json().series;
    expect(series.map((s: { symbol: string; rows: number }) => [s.symbol, s.rows])).toEqual(['A', 'B', 'C', 'D'].map((s) => [`NEW-${s}`, 2192]));
    expect(readdirSync(dir).filter((f) => f.includes('fresh'))).toEqual(['fresh.duckdb']);
  });

  it('4 importers, 4 readers and 2 backtests started together all exit 0, and every write is there afterwards', async () => {
    const db = join(dir, 'mixed.duckdb');
    expect(rrr(['demo', '--db', db]).status).toBe(0);
    const importers = ['S1', 'S2', 'S3', 'S4'].map((s, k) => ['data', 'import', `datasets/demo-${'abca'[k]}_1d.csv`, '--symbol', s, '--timeframe', '1d', '--db', db]);
    const readers = [
      ['data', 'list', '--db', db],
      ['data', 'show', 'DEMO-A', '--timeframe', '1d', '--tail', '5', '--db', db],
      ['runs', 'list', '--db', db],
      ['data', 'list', '--json', '--db', db],
    ];
    const backtests = ['DEMO-B', 'DEMO-C'].map((s) => ['backtest', '--strategy', 'sma-cross', '--symbol', s, '--timeframe', '1d', '--json', '--db', db]);
    const outcomes = await Promise.all([...importers, ...readers, ...backtests].map(start));
    expect(failed(outcomes)).toEqual([]);
    const series = rrr(['data', 'list', '--json', '--db', db]).json().series.map((s: { symbol: string; rows: number }) => `${s.symbol}:${s.rows}`);
    expect(series).toEqual(['DEMO-A', 'DEMO-B', 'DEMO-C', 'S1', 'S2', 'S3', 'S4'].map((s) => `${s}:2192`));
    const runIds = outcomes.slice(8).map((o) => JSON.parse(o.stdout).runId as number);
    const runs = rrr(['runs', 'list', '--json', '--db', db]).json().runs.map((r: { id: number; symbols: string[] }) => [r.id, r.symbols[0]]);
    // The demo's run and both backtests, each recorded once under the id it reported.
    expect(runs).toHaveLength(3);
    expect(runs).toEqual(expect.arrayContaining([[runIds[0], 'DEMO-B'], [runIds[1], 'DEMO-C'], [1, 'DEMO-A']]));
    // Nothing is left beside the store: no half-made store, no waiting writer's marker.
    expect(readdirSync(dir).filter((f) => f.startsWith('mixed') || f.startsWith('.mixed'))).toEqual(['mixed.duckdb']);
  });

  it('a busy store is waited for; --wait 0 fails at once with one sentence', async () => {
    const db = join(dir, 'held.duckdb');
    expect(rrr(['data', 'import', 'datasets/demo-a_1d.csv', '--symbol', 'H', '--timeframe', '1d', '--db', db]).status).toBe(0);
    const holder = await holdForWriting(db);
    try {
      const now = rrr(['data', 'list', '--wait', '0', '--db', db]);
      expect(now.status).toBe(1);
      expect(now.stderr).toBe(`Error: The store ${db} is in use by another process (--wait 0 does not wait): retry later, or pass --wait SECONDS to wait for it.\n`);
      const json = rrr(['data', 'import', 'datasets/demo-b_1d.csv', '--symbol', 'H2', '--timeframe', '1d', '--wait', '0', '--json', '--db', db]);
      expect(json.status).toBe(1);
      expect(json.json().error.code).toBe('RRR_DB_BUSY');
      // Started while the store is held; it gets the store once the holder lets go.
      const waiting = start(['data', 'import', 'datasets/demo-b_1d.csv', '--symbol', 'H3', '--timeframe', '1d', '--wait', '120', '--db', db]);
      const list = start(['data', 'list', '--json', '--wait', '120', '--db', db]);
      // Held long enough that both meet the lock (each needs about a second to start); no timing is asserted.
      setTimeout(() => holder.stdin!.end(), 5000);
      const [imported, listed] = await Promise.all([waiting, list]);
      expect(failed([imported, listed])).toEqual([]);
    } finally {
      holder.stdin!.end();
    }
    expect(rrr(['data', 'list', '--json', '--db', db]).json().series.map((s: { symbol: string }) => s.symbol)).toEqual(['H', 'H3']);
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)(`on a terminal, a waiting command says so once${hasScript ? '' : ' (skipped: no util-linux "script" to make a terminal)'}`, async () => {
    const db = join(dir, 'tty.duckdb');
    expect(rrr(['data', 'import', 'datasets/demo-a_1d.csv', '--symbol', 'T', '--timeframe', '1d', '--db', db]).status).toBe(0);
    const holder = await holdForWriting(db);
    // `script` runs the command on a pseudo-terminal, as a user at a terminal would.
    const command = [process.execPath, BIN, 'data', 'list', '--wait', '120', '--db', db].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    setTimeout(() => holder.stdin!.end(), 5000);
    const status = await new Promise((done) => child.on('close', done));
    expect(status).toBe(0);
    const notices = output.match(/Waiting for the store [^\n]*\n/g) ?? [];
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(new RegExp(`^Waiting for the store ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(held by another rrr process, PID \\d+; up to 120 s, see --wait\\)\\.\\.\\.\\r?\\n$`));
    expect(output).toMatch(/T\s+1d\s+2192/);
  });

  it('--wait takes a number of seconds, 0 or more', () => {
    const r = rrr(['data', 'list', '--wait', 'soon', '--db', join(dir, 'x.duckdb')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('Error: --wait "soon" is not valid: give the number of seconds to wait for a busy store, 0 or more (0 fails at once).\n');
  });
});

describe('a finished backtest is never discarded because the store is busy', () => {
  it('prints its results, says it was not recorded and exits 1 when the store stays busy past --wait', async () => {
    const db = join(tempDir(), 'busy.duckdb');
    expect(rrr(['demo', '--db', db]).status).toBe(0);
    const holder = await holdForWriting(db);
    try {
      const run = await start(['backtest', '--strategy', 'sma-cross', '--data', 'datasets/demo-a_1d.csv', '--db', db, '--wait', '0', '--json']);
      expect(run.status).toBe(1);
      const result = JSON.parse(run.stdout);
      expect(result.runId).toBeNull();
      expect(result.metrics.tradeCount).toBeGreaterThan(0);
      expect(result.notRecorded).toMatch(/in use by another process/);
      expect(run.stderr).toMatch(/finished but was not recorded/);
    } finally {
      holder.stdin!.end();
    }
  });
});
