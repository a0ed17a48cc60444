import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` that fails instead of hanging. Node's recursive mkdir spins at 100% CPU forever where a parent exists
 * but cannot hold children (a path under /proc, a dangling symlink): ENOENT sends it back to make the parent,
 * which exists. Here each missing level is made on its own, and the first error is thrown (its `code` intact).
 * A level another process made meanwhile (EEXIST) is taken as made.
 */
export function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
