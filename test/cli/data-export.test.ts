import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvBars } from '../helpers/shared.js';
import { rrr, tempDir, runsAsNobody, NOBODY_SKIP_REASON, fileSha } from '../helpers/cli.js';

const DEMO = resolve('datasets/demo-a_1d.csv');
const hash = fileSha;

describe('rrr data export never overwrites what it should not, and never leaves a partial file', () => {
  let dir: string;
  let db: string;
  const exportTo = (out: string, ...extra: string[]) => rrr(['data', 'export', 'DEMO-A', '--timeframe', '1d', '--out', out, '--db', db, ...extra]);
  const oneSentence = (r: { stderr: string }, message: RegExp) => {
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  };

  beforeAll(() => {
    dir = tempDir('rrr-export-');
    db = join(dir, 'store.duckdb');
    const r = rrr(['data', 'import', DEMO, '--symbol', 'DEMO-A', '--timeframe', '1d', '--db', db]);
    expect(r.status, r.stderr).toBe(0);
  });

  it('writes a new file that reads back as the imported bars', () => {
    const out = join(dir, 'new.csv');
    const r = exportTo(out);
    expect(r.status, r.stderr).toBe(0);
    const back = readCsvBars(out);
    const source = readCsvBars(DEMO);
    for (const field of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) expect(back[field]).toEqual(source[field]);
    expect(readdirSync(dir).filter((f) => f.includes('rrr-partial'))).toEqual([]);
  });

  it('refuses the store itself, by its path or through a symlink, even with --force, and leaves it untouched', () => {
    const before = hash(db);
    oneSentence(exportTo(db, '--force'), /^Error: --out .*store\.duckdb is the store itself \(.*\): rrr never overwrites its store; choose another path\./);
    const link = join(dir, 'link.parquet');
    symlinkSync(db, link);
    const r = exportTo(link, '--force');
    expect(r.status).toBe(2);
    oneSentence(r, /--out .*link\.parquet is the store itself/);
    expect(hash(db)).toBe(before);
  });

  it('refuses another DuckDB database even with --force', () => {
    const other = join(dir, 'other.duckdb');
    expect(rrr(['data', 'import', DEMO, '--symbol', 'O', '--timeframe', '1d', '--db', other]).status).toBe(0);
    const renamed = join(dir, 'looks-like.parquet');
    writeFileSync(renamed, readFileSync(other));
    const before = hash(renamed);
    const r = exportTo(renamed, '--force');
    expect(r.status).toBe(2);
    oneSentence(r, /--out .*looks-like\.parquet is a DuckDB database: rrr never overwrites one, even with --force/);
    expect(hash(renamed)).toBe(before);
  });

  it('replaces another existing file only with --force', () => {
    const out = join(dir, 'mine.csv');
    writeFileSync(out, 'my own notes');
    const r = exportTo(out);
    expect(r.status).toBe(2);
    oneSentence(r, /^Error: --out .*mine\.csv already exists: pass --force to replace it, or choose another path\./);
    expect(readFileSync(out, 'utf8')).toBe('my own notes');
    expect(exportTo(out, '--force').status).toBe(0);
    expect(readCsvBars(out).length).toBe(readCsvBars(DEMO).length);
  });

  it('an --out in a missing directory, or at a directory, is one sentence', () => {
    const missing = exportTo(join(dir, 'no', 'such', 'dir', 'x.csv'));
    expect(missing.status).toBe(2);
    oneSentence(missing, /^Error: Cannot write --out .*x\.csv: the directory .*dir does not exist; create it first or choose another path\./);
    mkdirSync(join(dir, 'folder.csv'));
    oneSentence(exportTo(join(dir, 'folder.csv'), '--force'), /--out .*folder\.csv is a directory/);
  });

  // Root writes anywhere, so the unwritable directory is tested as the user "nobody" when that is possible.
  it.skipIf(!runsAsNobody)(`an --out in a directory this user may not write to (run as the user nobody)${runsAsNobody ? '' : ` (${NOBODY_SKIP_REASON})`}`, () => {
    chmodSync(dir, 0o755);
    chmodSync(db, 0o644);
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o755 });
    const out = join(locked, 'x.csv');
    const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, resolve('bin/run.js'), 'data', 'export', 'DEMO-A', '--timeframe', '1d', '--out', out, '--db', db], { encoding: 'utf8', cwd: locked });
    expect(r.stderr.trim()).toMatch(/^Error: Cannot write --out .*x\.csv: this user may not create files in .*locked; choose a writable directory\.$/);
    expect(r.status).toBe(1);
    expect(readdirSync(locked)).toEqual([]);
  });

  // A tiny tmpfs is a full disk on demand; mounting needs root (and a kernel that allows it).
  const small = join(tempDir('rrr-export-full-'), 'disk');
  mkdirSync(small);
  const mounted = process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [small]);
  });

  it.skipIf(!mounted)('a full disk: one sentence, and no partial file; a file being replaced keeps its old content', () => {
    const out = join(small, 'bars.csv');
    const r = exportTo(out);
    expect(r.status).toBe(1);
    oneSentence(r, /^Error: Cannot write .*bars\.csv: the disk is full; nothing was written/);
    expect(readdirSync(small)).toEqual([]);
    const kept = join(small, 'kept.csv');
    writeFileSync(kept, 'old content');
    expect(exportTo(kept, '--force').status).toBe(1);
    expect(readFileSync(kept, 'utf8')).toBe('old content');
    expect(readdirSync(small)).toEqual(['kept.csv']);
    expect(existsSync(out)).toBe(false);
  });
});
