import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(process.cwd(), 'bin/run.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  json: <T = any>() => T;
}

/** Runs the built `rrr` executable as a user would, in `cwd`, with a non-TTY stdin. */
export function rrr(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, RRR_DB: undefined, ...options.env },
    encoding: 'utf8',
    input: '',
    maxBuffer: 1 << 28,
  });
  return {
    status: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
    json: () => JSON.parse(result.stdout),
  };
}

export function tempDir(prefix = 'rrr-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Root reads and writes anything, so permission refusals are tested by running the CLI as the user "nobody".
 * That needs root (for runuser) and a checkout that nobody may read: a clone under a private folder (mktemp -d
 * is 0700) is not, and those tests then skip with this reason rather than fail.
 */
export const runsAsNobody: boolean =
  process.getuid?.() === 0 && spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, BIN, '--version'], { stdio: 'ignore' }).status === 0;
export const NOBODY_SKIP_REASON = 'skipped: needs root and a checkout the user nobody can read';

/** SHA-256 of a file's bytes: "the command left it exactly as it was" in one comparison. */
export function fileSha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
