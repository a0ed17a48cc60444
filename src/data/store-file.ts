import { closeSync, linkSync, openSync, readSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { corruptStore } from './store-errors.js';

/** DuckDB's main header: an 8-byte checksum, then this magic. */
const MAGIC = 'DUCK';
const HEADER_BYTES = 3 * 4096;

function readHead(path: string, bytes: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`Cannot read the store ${path} (${code === 'EACCES' ? 'permission denied' : code ?? 'error'}): check the file's permissions or pass --db with another path.`, { exitCode: 1, code: 'RRR_DB_DENIED', cause: error });
  }
  try {
    const n = readSync(fd, buffer, 0, bytes, 0);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** What a non-DuckDB file looks like, so the refusal can say why it is not a store. */
function looksLike(head: Buffer, path: string): string {
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'a Parquet file';
  if (head.subarray(0, 6).toString('latin1') === 'ARROW1') return 'an Arrow IPC file';
  if (head.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') return 'an SQLite database';
  if (/\.(csv|tsv|txt)$/i.test(path) || !head.includes(0)) return 'a text file';
  return 'another kind of file';
}

const hasMagic = (head: Buffer) => head.length >= 12 && head.subarray(8, 12).toString('latin1') === MAGIC;

/** True when the file starts with DuckDB's main header: such a file is never overwritten as an output. */
export function isDuckDbFile(path: string): boolean {
  return hasMagic(readHead(path, 12));
}

/**
 * Checks `path` before DuckDB sees it, because DuckDB would open a FIFO (and hang), and treats some files
 * that are not databases in ways that lose what is written. Returns whether a store file exists there;
 * anything that exists and is not a DuckDB database is refused, untouched.
 */
export function inspectStoreFile(path: string): 'missing' | 'duckdb' {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    if (code === 'ENOTDIR') throw new UserError(`--db ${path} is not a valid path: a part of it is a file, not a directory; pass --db with a file path in a directory.`, { code: 'RRR_DB_NOT_FILE', cause: error });
    throw new UserError(`Cannot reach the store ${path} (${code ?? 'error'}): check the path and its permissions, or pass --db with another path.`, { exitCode: 1, code: 'RRR_DB_DENIED', cause: error });
  }
  if (stat.isDirectory()) {
    throw new UserError(`--db ${path} is a directory: pass the path of a DuckDB file, e.g. ${resolve(path, 'rrr.duckdb')}.`, { code: 'RRR_DB_NOT_FILE' });
  }
  if (!stat.isFile()) {
    throw new UserError(`--db ${path} is ${kindOf(stat)}, not a DuckDB store file: pass --db with the path of a store file (rrr creates it on the first import).`, { code: 'RRR_DB_NOT_FILE' });
  }
  if (stat.size === 0) {
    // DuckDB refuses an empty file; rrr never leaves one (stores are created beside and linked into place),
    // so an empty file is someone else's, or a store lost to a full disk, and is not silently made a store.
    throw new UserError(`--db ${path} is an empty file, not a DuckDB store: rrr creates the store itself, so delete the empty file or pass --db with another path.`, { code: 'RRR_DB_NOT_DUCKDB' });
  }
  const head = readHead(path, 16);
  if (!hasMagic(head)) {
    throw new UserError(`--db ${path} is not a DuckDB database (it looks like ${looksLike(head, path)}) and was left untouched: pass --db with an rrr store or a new file path${/parquet|text|arrow/i.test(looksLike(head, path)) ? ', and import bar files with "rrr data import FILE --symbol S --timeframe TF"' : ''}.`, { code: 'RRR_DB_NOT_DUCKDB' });
  }
  return 'duckdb';
}

/**
 * A truncated store. DuckDB's file is its 12 KiB of headers and then whole blocks, and the active database
 * header names the block holding the catalog: a shorter or ragged file has lost data that DuckDB would only
 * notice when it reads there, possibly after writing into the file. (The header's block count is no bound:
 * DuckDB gives free blocks at the end back to the file system without lowering it.) Call while the store
 * is open: DuckDB's lock keeps a writer from changing the file meanwhile.
 */
export function assertWholeFile(path: string): void {
  const head = readHead(path, HEADER_BYTES);
  if (head.length < HEADER_BYTES) throw corruptStore(path, `the file is ${head.length} bytes, shorter than DuckDB's header`);
  if (head.readBigUInt64LE(12) < 64n) return; // a storage version older than DuckDB 1.0: not checked here
  // Two database headers at 4096 and 8192: checksum, iteration, meta block, free list, block count, block size.
  const headers = [4096, 8192].map((at) => ({ iteration: head.readBigUInt64LE(at + 8), metaBlock: head.readBigInt64LE(at + 16), blockSize: head.readBigUInt64LE(at + 40) }));
  const active = headers[0].iteration >= headers[1].iteration ? headers[0] : headers[1];
  const blockSize = active.blockSize;
  if (blockSize < 16_384n || blockSize > 1n << 28n || (blockSize & (blockSize - 1n)) !== 0n) return; // not a layout this check knows
  const size = BigInt(statSync(path).size);
  const body = size - BigInt(HEADER_BYTES);
  const metaBlock = active.metaBlock < 0n ? -1n : active.metaBlock & ((1n << 56n) - 1n);
  if (body % blockSize !== 0n || metaBlock >= body / blockSize) {
    throw corruptStore(path, `the file is ${size} bytes, which is not whole: it was truncated`);
  }
}

/**
 * Creates a store atomically: `init` builds it in a temporary file beside `path`, which is then linked into
 * place, so no other process ever sees a half-made store, and a failure (a full disk) leaves nothing at
 * `path`. When another process created the store first, theirs is kept and ours discarded.
 */
export async function createAtomically(path: string, init: (tempPath: string) => Promise<void>): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.creating`);
  try {
    await init(temp);
    assertWholeFile(temp);
    try {
      linkSync(temp, path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return;
      // File systems without hard links: a rename, which could only replace a store made in this instant.
      if (inspectStoreFile(path) === 'missing') renameSync(temp, path);
    }
  } finally {
    rmSync(temp, { force: true });
    rmSync(`${temp}.wal`, { force: true });
  }
}
