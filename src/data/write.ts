import { accessSync, constants, existsSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { DuckDBValue } from '@duckdb/node-api';
import { quote, Store } from './store.js';
import { UserError } from '../errors.js';
import { isDuckDbFile } from './store-file.js';

/** One output column. `time` columns hold epoch ms and are written as timestamps (ISO-8601 UTC in CSV). */
export interface OutputColumn {
  name: string;
  values: ArrayLike<number> | readonly (string | null)[];
  kind?: 'time' | 'number' | 'integer' | 'text';
}

export type OutputFormat = 'csv' | 'parquet' | 'arrow';
const FORMATS: Record<string, OutputFormat> = { '.csv': 'csv', '.parquet': 'parquet', '.arrow': 'arrow', '.feather': 'arrow', '.ipc': 'arrow' };

export function outputFormat(path: string): OutputFormat {
  const format = FORMATS[extname(path).toLowerCase()];
  if (!format) throw new UserError(`Cannot tell the output format of ${path}: end it in .csv, .parquet or .arrow.`);
  return format;
}

const kindOf = (c: OutputColumn) => c.kind ?? (Array.isArray(c.values) ? 'text' : 'number');

/**
 * Writes columns to CSV or Parquet (through DuckDB) or Arrow IPC (through apache-arrow). The file is written
 * beside its target under a temporary name and renamed into place when complete, so a full disk or a crash
 * never leaves a partial file at `path` (the temporary file is removed on failure).
 */
export async function writeColumns(path: string, columns: readonly OutputColumn[], format: OutputFormat = outputFormat(path)): Promise<void> {
  const temp = join(dirname(resolve(path)), `.${basename(path)}.${process.pid}-${Date.now().toString(36)}.rrr-partial`);
  try {
    if (format === 'arrow') await writeArrow(temp, columns);
    else await writeWithDuckDb(temp, columns, format);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    if (error instanceof UserError) throw error;
    const text = String((error as Error).message).split('\n')[0].replace(/\.$/, '');
    if (/No space left on device|ENOSPC|EDQUOT|quota/i.test(text)) {
      throw new UserError(`Cannot write ${path}: the disk is full; nothing was written (free some space or choose another place).`, { exitCode: 1, code: 'RRR_DISK_FULL', cause: error });
    }
    if (/Permission denied|EACCES|EPERM|Read-only file system|EROFS/i.test(text) || /^E(ACCES|PERM|ROFS)$/.test(String((error as NodeJS.ErrnoException).code))) {
      throw new UserError(`Cannot write ${path}: its directory is not writable (${(error as NodeJS.ErrnoException).code ?? 'permission denied'}); choose a writable place.`, { exitCode: 1, code: 'RRR_WRITE_DENIED', cause: error });
    }
    throw new UserError(`Cannot write ${path}: ${text}.`, { exitCode: 1, code: 'RRR_WRITE_FAILED', cause: error });
  }
}

async function writeWithDuckDb(path: string, columns: readonly OutputColumn[], format: 'csv' | 'parquet'): Promise<void> {
  const store = await Store.scratch();
  try {
    const types = columns.map((c) => ({ time: 'BIGINT', number: 'DOUBLE', integer: 'BIGINT', text: 'VARCHAR' })[kindOf(c)]);
    await store.run(`CREATE TABLE out (${columns.map((c, k) => `${quote(c.name)} ${types[k]}`).join(', ')})`);
    const appender = await store.connection.createAppender('out');
    const n = columns[0]?.values.length ?? 0;
    for (let i = 0; i < n; i++) {
      for (const c of columns) {
        const v = c.values[i] as DuckDBValue;
        const kind = kindOf(c);
        if (v === null || (typeof v === 'number' && Number.isNaN(v) && kind !== 'number')) appender.appendNull();
        else if (kind === 'text') appender.appendVarchar(String(v));
        else if (kind === 'number') appender.appendDouble(v as number);
        else appender.appendBigInt(BigInt(Math.round(v as number)));
      }
      appender.endRow();
    }
    appender.closeSync();
    const select = columns
      .map((c) => {
        const name = quote(c.name);
        if (kindOf(c) !== 'time') return name;
        // CSV gets the same ISO-8601 UTC text that rrr reads back; Parquet a real TIMESTAMP.
        return format === 'csv' ? `strftime(make_timestamp(${name} * 1000), '%Y-%m-%dT%H:%M:%SZ') AS ${name}` : `make_timestamp(${name} * 1000) AS ${name}`;
      })
      .join(', ');
    // On the connection itself: a failure here is about the output file, not about the scratch database.
    await store.connection.run(`COPY (SELECT ${select} FROM out ORDER BY rowid) TO '${path.replace(/'/g, "''")}' (FORMAT ${format === 'csv' ? 'csv, HEADER true' : 'parquet'})`);
  } finally {
    store.close();
  }
}

const realpath = (path: string) => {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
};

/**
 * Where `data export --out` may write: a .csv/.parquet/.arrow path in an existing directory; never the
 * store (`db`, its WAL) nor any other DuckDB database; another existing file only with `force`.
 */
export function assertOutputPath(path: string, options: { db: string; force?: boolean }): OutputFormat {
  const exists = existsSync(path);
  if (exists) {
    const target = realpath(path);
    const store = realpath(options.db);
    if (target === store || target === `${store}.wal`) {
      throw new UserError(`--out ${path} is the store itself (${options.db}): rrr never overwrites its store; choose another path.`, { code: 'RRR_OUT_IS_STORE' });
    }
  }
  const format = outputFormat(path);
  const dir = dirname(resolve(path));
  let dirStat;
  try {
    dirStat = statSync(dir);
  } catch {
    throw new UserError(`Cannot write --out ${path}: the directory ${dir} does not exist; create it first or choose another path.`, { code: 'RRR_OUT_NO_DIR' });
  }
  if (!dirStat.isDirectory()) throw new UserError(`Cannot write --out ${path}: ${dir} is not a directory; choose another path.`, { code: 'RRR_OUT_NO_DIR' });
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UserError(`Cannot write --out ${path}: this user may not create files in ${dir}; choose a writable directory.`, { exitCode: 1, code: 'RRR_WRITE_DENIED' });
  }
  if (!exists) return format;
  const stat = statSync(path);
  if (stat.isDirectory()) throw new UserError(`--out ${path} is a directory: give a file path ending in .csv, .parquet or .arrow.`, { code: 'RRR_OUT_EXISTS' });
  if (!stat.isFile()) throw new UserError(`--out ${path} is not a regular file (a pipe, socket or device): give a file path ending in .csv, .parquet or .arrow.`, { code: 'RRR_OUT_EXISTS' });
  if (isDuckDbFile(path)) throw new UserError(`--out ${path} is a DuckDB database: rrr never overwrites one, even with --force; choose another path.`, { code: 'RRR_OUT_IS_STORE' });
  if (!options.force) throw new UserError(`--out ${path} already exists: pass --force to replace it, or choose another path.`, { code: 'RRR_OUT_EXISTS' });
  return format;
}

async function writeArrow(path: string, columns: readonly OutputColumn[]): Promise<void> {
  const arrow = await import('apache-arrow');
  const vectors: Record<string, import('apache-arrow').Vector> = {};
  for (const c of columns) {
    const kind = kindOf(c);
    if (kind === 'time') vectors[c.name] = arrow.vectorFromArray(Array.from(c.values as ArrayLike<number>, (t) => new Date(t)), new arrow.TimestampMillisecond());
    else if (kind === 'text') vectors[c.name] = arrow.vectorFromArray(c.values as (string | null)[], new arrow.Utf8());
    else vectors[c.name] = arrow.makeVector(c.values instanceof Float64Array ? c.values : Float64Array.from(c.values as ArrayLike<number>));
  }
  writeFileSync(path, arrow.tableToIPC(new arrow.Table(vectors), 'file'));
}
