import { UserError } from '../errors.js';

const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split('\n')[0].replace(/\.$/, '');

const CORRUPT = /Corrupt database file|does not match stored checksum|not a valid DuckDB database file|Could not read enough bytes from file|block .* out of range|INTERNAL Error.*(block|checkpoint|storage)/i;
const DISK_FULL = /No space left on device|ENOSPC|disk quota exceeded|EDQUOT/i;
const DENIED = /Permission denied|EACCES|EPERM|Read-only file system|EROFS/i;
const INVALIDATED = /database has been invalidated/i;

export function corruptStore(path: string, detail: string, cause?: unknown): UserError {
  return new UserError(
    `The store ${path} is damaged (${detail}): restore it from a backup, or pass --db with another store; rrr does not write into a damaged store.`,
    { exitCode: 1, code: 'RRR_DB_CORRUPT', cause },
  );
}

/** A DuckDB failure while reading or writing the store, as one sentence; unknown failures pass through unchanged. */
export function storeQueryError(path: string, error: unknown): unknown {
  if (error instanceof UserError) return error;
  const text = String((error as Error)?.message ?? error);
  if (DISK_FULL.test(text)) {
    return new UserError(`The disk holding the store ${path} is full: the change was rolled back and nothing was stored; free some space and retry.`, { exitCode: 1, code: 'RRR_DISK_FULL', cause: error });
  }
  if (INVALIDATED.test(text)) {
    return new UserError(`The store ${path} could not be written (DuckDB stopped after an earlier I/O failure): the change was rolled back; check free space and retry.`, { exitCode: 1, code: 'RRR_DB_IO', cause: error });
  }
  if (CORRUPT.test(text)) return corruptStore(path, firstLine(error).replace(/^IO Error: /, ''), error);
  return error;
}

/** A failure to open the store, always as one sentence. */
export function storeError(path: string, error: unknown): UserError {
  const known = storeQueryError(path, error);
  if (known instanceof UserError) return known;
  const text = firstLine(error);
  if (DENIED.test(text)) {
    return new UserError(`Cannot open the store ${path}: permission denied (${text.replace(/^IO Error: /, '')}); check the file's permissions or pass --db with another path.`, { exitCode: 1, code: 'RRR_DB_DENIED', cause: error });
  }
  return new UserError(`Cannot open the store ${path}: ${text.replace(/^IO Error: /, '')}; pass --db with an rrr store or a new file path.`, { exitCode: 1, code: 'RRR_DB_OPEN', cause: error });
}
