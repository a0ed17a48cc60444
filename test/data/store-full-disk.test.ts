import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importBars } from '../../src/data/import.js';
import { listSeries } from '../../src/data/series.js';
import { withStore } from '../../src/data/store.js';
import { UserError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';

/** A 2 MB file system, when this process may mount one (root on Linux); otherwise the test says why it skips. */
const dir = join(tempDir('rrr-full-'), 'disk');
mkdirSync(dir);
const mounted = process.platform === 'linux' && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]).status === 0;
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe.skipIf(!mounted)(mounted ? 'a full disk' : 'a full disk (skipped: cannot mount a small tmpfs here; needs root on Linux)', () => {
  afterAll(() => {
    spawnSync('umount', [dir]);
  });

  it('a write that does not fit is one sentence, and the store keeps exactly what it had', async () => {
    const db = join(dir, 'store.duckdb');
    await withStore(db, { create: true }, (store) => importBars(store, ['datasets/demo-a_1d.csv'], { symbol: 'A', timeframe: '1d' }));
    const before = sha(db);
    // 30,000 hourly bars do not fit in what is left of 2 MB.
    const error = await withStore(db, { create: true }, (store) => importBars(store, ['../shared/datasets/btc-usd_1h.csv'], { symbol: 'BTC', timeframe: '1h' })).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(`The disk holding the store ${db} is full: the change was rolled back and nothing was stored; free some space and retry.`);
    expect(sha(db)).toBe(before);
    expect((await withStore(db, { readOnly: true }, listSeries)).map((s) => [s.symbol, s.rows])).toEqual([['A', 2192]]);
  });

  it('a new store that does not fit leaves no file behind', async () => {
    const db = join(dir, 'new.duckdb');
    const error = await withStore(db, { create: true }, (store) => importBars(store, ['../shared/datasets/btc-usd_1h.csv'], { symbol: 'BTC', timeframe: '1h' })).then(() => undefined, (e: unknown) => e);
    expect((error as UserError).code).toBe('RRR_DISK_FULL');
    expect(readdirSync(dir).filter((f) => f.startsWith('new.duckdb') || f.includes('.creating'))).toEqual([]);
  });
});
