import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importBars } from '../../src/data/import.js';
import { benchmarkBars } from '../../src/data/synthetic.js';
import { listSeries } from '../../src/data/series.js';
import { withStore } from '../../src/data/store.js';
import { UserError } from '../../src/errors.js';
import { tempDir, fileSha } from '../helpers/cli.js';

/** A 2 MB file system, when this process may mount one (root on Linux); otherwise the test says why it skips. */
const dir = join(tempDir('rrr-full-'), 'disk');
mkdirSync(dir);
const mounted = process.platform === 'linux' && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]).status === 0;
const sha = fileSha;

/** 60,000 synthetic 1m bars (about 2.9 MB of doubles): more than what is left of the 2 MB disk. */
function bigCsv(): string {
  const bars = benchmarkBars(60_000);
  const lines = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < bars.length; i++) lines.push(`${new Date(bars.time[i]).toISOString()},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}`);
  const path = join(tempDir('rrr-full-src-'), 'big_1m.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

describe.skipIf(!mounted)(mounted ? 'a full disk' : 'a full disk (skipped: cannot mount a small tmpfs here; needs root on Linux)', () => {
  afterAll(() => {
    spawnSync('umount', [dir]);
  });

  it('a write that does not fit is one sentence, and the store keeps exactly what it had', async () => {
    const db = join(dir, 'store.duckdb');
    await withStore(db, { create: true }, (store) => importBars(store, ['datasets/demo-a_1d.csv'], { symbol: 'A', timeframe: '1d' }));
    const before = sha(db);
    const error = await withStore(db, { create: true }, (store) => importBars(store, [bigCsv()], { symbol: 'BIG', timeframe: '1m' })).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(`The disk holding the store ${db} is full: the change was rolled back and nothing was stored; free some space and retry.`);
    expect(sha(db)).toBe(before);
    expect((await withStore(db, { readOnly: true }, listSeries)).map((s) => [s.symbol, s.rows])).toEqual([['A', 2192]]);
  });

  it('a new store that does not fit leaves no file behind', async () => {
    const db = join(dir, 'new.duckdb');
    const error = await withStore(db, { create: true }, (store) => importBars(store, [bigCsv()], { symbol: 'BIG', timeframe: '1m' })).then(() => undefined, (e: unknown) => e);
    expect((error as UserError).code).toBe('RRR_DISK_FULL');
    expect(readdirSync(dir).filter((f) => f.startsWith('new.duckdb') || f.includes('.creating'))).toEqual([]);
  });
});
