/**
 * What a worker checks before running a job: the same rrr version and the same strategy code as the
 * coordinator that published it. Workers load strategies locally (a built-in name, or a file at the same path);
 * code never travels through the queue.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';

let version: string | undefined;

/** This installation's rrr version (package.json beside dist/ or src/). */
export function rrrVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}

/**
 * The strategy's code as this machine has it: a built-in is its name (its code is rrr's, checked by version);
 * a file is the SHA-256 of its bytes, or undefined when the file is not here.
 */
export function strategyFingerprint(strategy: string): string | undefined {
  if (!isAbsolute(strategy)) return `built-in:${strategy}`;
  if (!existsSync(strategy)) return undefined;
  return `sha256:${createHash('sha256').update(readFileSync(strategy)).digest('hex')}`;
}
