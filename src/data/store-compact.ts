import { renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { assertWholeFile } from './store-file.js';
import { withStore, type StoreOptions } from './store.js';

export interface CompactResult {
  path: string;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Rewrites the store into a new file and renames it into place. DuckDB reuses freed blocks but rarely
 * gives them back to the file system (an upsert that rewrites a series leaves the file about twice its
 * size); a copy holds only live data. The store stays locked for writing throughout, and the rename
 * happens before the lock is let go, so no other process can write into the old file meanwhile; a failure
 * leaves the store as it was.
 */
export async function compactStore(path: string, options: Pick<StoreOptions, 'waitMs'> = {}): Promise<CompactResult> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.compacting`);
  try {
    return await withStore(path, { create: false, waitMs: options.waitMs }, async (store) => {
      // Empty the write-ahead log first: it is found by name, and after the rename the name is the copy's.
      await store.run('CHECKPOINT');
      const bytesBefore = statSync(path).size;
      const [{ name }] = await store.rows('SELECT current_database() AS name');
      rmSync(temp, { force: true });
      await store.run(`ATTACH '${temp.replace(/'/g, "''")}' AS rrr_compacted`);
      try {
        await store.run(`COPY FROM DATABASE "${String(name).replace(/"/g, '""')}" TO rrr_compacted`);
      } finally {
        await store.run('DETACH rrr_compacted');
      }
      assertWholeFile(temp);
      renameSync(temp, path);
      return { path, bytesBefore, bytesAfter: statSync(path).size };
    });
  } finally {
    rmSync(temp, { force: true });
    rmSync(`${temp}.wal`, { force: true });
  }
}
