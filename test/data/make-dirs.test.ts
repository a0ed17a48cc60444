import { spawnSync } from 'node:child_process';
import { existsSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirectories } from '../../src/data/make-dirs.js';
import { tempDir } from '../helpers/cli.js';

/** The code makeDirectories throws for `dir`, run in a child process: a hang fails on the timeout, not the suite. */
function codeIn(dir: string): string {
  const module = new URL('../../src/data/make-dirs.ts', import.meta.url).pathname;
  const script = `import('${module}').then(({ makeDirectories }) => { try { makeDirectories(${JSON.stringify(dir)}); console.log('made'); } catch (e) { console.log(e.code); } });`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  expect(child.error, 'makeDirectories did not return').toBeUndefined();
  return child.stdout.trim();
}

describe('makeDirectories', () => {
  it('makes every missing level, and again is a no-op', () => {
    const nested = join(tempDir(), 'a', 'b', 'c');
    makeDirectories(nested);
    expect(statSync(nested).isDirectory()).toBe(true);
    makeDirectories(nested);
    expect(existsSync(nested)).toBe(true);
  });

  it('fails with the error code where recursive mkdir would spin: under a dangling symlink, under /proc, under a file', () => {
    const dir = tempDir();
    symlinkSync(join(dir, 'gone'), join(dir, 'dangling'));
    expect(codeIn(join(dir, 'dangling', 'sub'))).toBe('ENOENT');
    if (existsSync('/proc/self')) expect(codeIn('/proc/rrr-no-such-dir/sub')).toBe('ENOENT');
    writeFileSync(join(dir, 'file'), '');
    expect(codeIn(join(dir, 'file', 'sub'))).toBe('ENOTDIR');
  });
});
