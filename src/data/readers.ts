import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { allocateBars, type Bars } from './bars.js';
import { mapColumns, type ColumnMapping, type MappedField } from './columns.js';
import type { DuckDBValue } from '@duckdb/node-api';
import { quote, type Store } from './store.js';
import { storeQueryError } from './store-errors.js';
import { UserError } from '../errors.js';

export type FileFormat = 'csv' | 'parquet' | 'arrow';
export type TimeUnit = 'auto' | 's' | 'ms';

const EXTENSIONS: Record<string, FileFormat> = {
  '.csv': 'csv', '.txt': 'csv', '.tsv': 'csv',
  '.parquet': 'parquet', '.pq': 'parquet',
  '.arrow': 'arrow', '.feather': 'arrow', '.ipc': 'arrow', '.arrows': 'arrow',
};
export const ACCEPTED_FILES = 'CSV (.csv, .txt, .tsv), Parquet (.parquet) or Arrow IPC (.arrow, .feather, .ipc)';

export function fileFormat(path: string): FileFormat {
  const format = EXTENSIONS[extname(path).toLowerCase()];
  if (!format) throw new UserError(`Cannot tell the format of ${path} from its extension: accepted are ${ACCEPTED_FILES}.`);
  return format;
}

export interface ReadOptions extends ColumnMapping {
  timeUnit?: TimeUnit;
}

/** Bars in file order (not yet sorted or checked): bar i is the file's data row i + 1. */
export interface FileBars {
  bars: Bars;
  hasVolume: boolean;
}

/**
 * The path names a readable regular file whose content matches its extension. A FIFO or device is refused
 * before anything opens it (reading one would wait forever), and an unreadable file is named as such.
 */
export function assertReadableFile(path: string): FileFormat {
  const format = fileFormat(path);
  let fd: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new UserError(`${path} is a directory: give the path of a ${ACCEPTED_FILES} file.`, { exitCode: 1 });
    if (!stat.isFile()) throw new UserError(`${path} is not a regular file (a pipe, socket or device): give the path of a ${ACCEPTED_FILES} file.`, { exitCode: 1, code: 'RRR_BAD_FILE' });
    fd = openSync(path, 'r');
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserError(`File not found: ${path}. Give the path of a ${ACCEPTED_FILES} file.`, { exitCode: 1, cause: error });
    if (code === 'EACCES' || code === 'EPERM') {
      throw new UserError(`Cannot read ${path}: permission denied; make it readable by this user (chmod u+r) or copy it somewhere readable.`, { exitCode: 1, code: 'RRR_FILE_DENIED', cause: error });
    }
    throw new UserError(`Cannot read ${path} (${code ?? (error as Error).message}): give the path of a readable ${ACCEPTED_FILES} file.`, { exitCode: 1, cause: error });
  }
  try {
    assertContent(path, fd, format);
  } finally {
    closeSync(fd);
  }
  return format;
}

const NAMES: Record<FileFormat, string> = { csv: 'CSV text', parquet: 'Parquet', arrow: 'Arrow IPC' };
const A_NAME: Record<FileFormat, string> = { csv: 'a CSV text', parquet: 'a Parquet', arrow: 'an Arrow IPC' };

/** What the first (and last) bytes say a file is, when they say it clearly. */
function sniff(head: Buffer, tail: Buffer): FileFormat | 'gzip' | 'zip' | 'binary' | undefined {
  const starts = (bytes: number[] | string) => head.subarray(0, bytes.length).equals(Buffer.from(bytes as string, 'latin1'));
  if (starts('PAR1') && tail.toString('latin1') === 'PAR1') return 'parquet';
  // The Arrow file format starts with ARROW1; the stream format with a 0xFFFFFFFF continuation marker.
  if (starts('ARROW1') || starts([0xff, 0xff, 0xff, 0xff])) return 'arrow';
  if (starts([0x1f, 0x8b])) return 'gzip';
  if (starts('PK\x03\x04')) return 'zip';
  if (head.includes(0)) return 'binary';
  return undefined;
}

/**
 * The content must match the extension: Parquet and Arrow files carry their magic bytes, a CSV file is
 * text. Otherwise the user would get DuckDB's message, or a binary file read as one garbage column.
 */
function assertContent(path: string, fd: number, format: FileFormat): void {
  const size = fstatSync(fd).size;
  if (size === 0) throw new UserError(`${path} is empty: it needs a header and at least one row of time, open, high, low, close[, volume].`, { exitCode: 1, code: 'RRR_BAD_FILE' });
  const head = Buffer.alloc(Math.min(4096, size));
  readSync(fd, head, 0, head.length, 0);
  const tail = Buffer.alloc(Math.min(4, size));
  readSync(fd, tail, 0, tail.length, size - tail.length);
  const seen = sniff(head, tail);
  if (seen === format || (format === 'csv' && seen === undefined)) return;
  const fail = (text: string) => new UserError(text, { exitCode: 1, code: 'RRR_BAD_FILE' });
  if (seen === 'parquet' || seen === 'arrow') throw fail(`${path} is ${A_NAME[seen]} file, not ${NAMES[format]} as its extension says: rename it to end in .${seen}.`);
  if (seen === 'gzip' || seen === 'zip') throw fail(`${path} is ${seen === 'gzip' ? 'gzip-compressed' : 'a zip archive'}, not ${NAMES[format]}: uncompress it first.`);
  if (format === 'csv') throw fail(`${path} holds binary data, not CSV text: give a CSV file, or a Parquet or Arrow file with its own extension.`);
  throw fail(`${path} is not ${A_NAME[format]} file (its magic bytes are missing), though its extension says so: give ${A_NAME[format]} file${seen === undefined ? ', or rename a CSV file to end in .csv' : ''}.`);
}

let tempCounter = 0;

/**
 * Reads a bar file through DuckDB (CSV, Parquet) or apache-arrow (Arrow IPC) into a temp table of `store`
 * (an in-memory DuckDB is the usual choice), maps its columns, parses timestamps (ISO-8601, epoch s or ms,
 * native timestamps) and numbers, and returns the bars. A missing or bad timestamp, a missing or bad price,
 * or a column of the wrong type fails the whole file with its row and value.
 */
export async function readBarsFile(store: Store, path: string, options: ReadOptions = {}): Promise<FileBars> {
  const format = assertReadableFile(path);
  const raw = `rrr_raw_${process.pid}_${tempCounter++}`;
  let headerless = false;
  try {
    if (format === 'csv') {
      headerless = !csvHasHeader(path);
      const header = headerless ? 'false' : 'true';
      // Fast path: DuckDB's own type detection. Anything it cannot type cleanly is read again as text,
      // where every bad value is found with its row.
      if (!(await loadTypedCsv(store, raw, path, header))) {
        await loadRaw(store, raw, `SELECT * FROM read_csv(?, all_varchar = true, header = ${header}, auto_detect = true)`, [path], path);
      }
    } else if (format === 'parquet') {
      await loadRaw(store, raw, 'SELECT * FROM read_parquet(?)', [path], path);
    }
    // Arrow columns of a type no bar field can hold are staged as text; their own type is kept for the message.
    const arrowTypes = format === 'arrow' ? await (await import('./arrow-reader.js')).arrowToRawTable(store, raw, path) : new Map<string, string>();
    const described = await store.rows(`DESCRIBE ${raw}`);
    const columns = described.map((r) => String(r.column_name));
    const types = new Map(described.map((r) => [String(r.column_name), arrowTypes.get(String(r.column_name)) ?? String(r.column_type)]));
    const mapped = mapColumns(columns, options, path, headerless);
    for (const field of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
      if (mapped[field] !== undefined) assertColumnType(field, mapped[field]!, types.get(mapped[field]!)!, path);
    }
    const timeSql = await timeExpression(store, raw, mapped.time!, types.get(mapped.time!)!, options.timeUnit ?? 'auto', path, headerless);
    for (const field of ['open', 'high', 'low', 'close', 'volume'] as const) {
      if (mapped[field] !== undefined) await assertNumbers(store, raw, field, mapped[field]!, types.get(mapped[field]!)!, path, headerless);
    }
    const num = (field: MappedField) => (mapped[field] === undefined ? `'NaN'::DOUBLE` : `coalesce(TRY_CAST(${quote(mapped[field]!)} AS DOUBLE), 'NaN'::DOUBLE)`);
    const [{ n }] = await store.rows(`SELECT count(*)::DOUBLE AS n FROM ${raw}`);
    if (Number(n) === 0) throw new UserError(`${path} has no bars: it needs a header and at least one row of time, open, high, low, close[, volume].`, { exitCode: 1, code: 'RRR_BAD_FILE' });
    const bars = allocateBars(Number(n));
    // No ORDER BY rowid: a plain scan keeps insertion (file) order (DuckDB's preserve_insertion_order), and
    // sorting would hold the whole table a second time.
    await streamDoubles(store, `SELECT (${timeSql})::DOUBLE, ${num('open')}, ${num('high')}, ${num('low')}, ${num('close')}, ${num('volume')} FROM ${raw}`, [
      bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume,
    ]);
    return { bars, hasVolume: mapped.volume !== undefined };
  } finally {
    await store.run(`DROP TABLE IF EXISTS ${raw}`);
  }
}

/**
 * Fills `into` (one array per selected DOUBLE column, never NULL) chunk by chunk from a streaming result,
 * so the result is never held twice (DuckDB's materialized copy beside the arrays).
 */
export async function streamDoubles(store: Store, sql: string, into: Float64Array[], params: DuckDBValue[] = []): Promise<void> {
  let offset = 0;
  const result = await store.connection.stream(sql, params).catch((error) => { throw storeQueryError(store.path, error); });
  for (;;) {
    const chunk = await result.fetchChunk().catch((error) => { throw storeQueryError(store.path, error); });
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    for (let k = 0; k < into.length; k++) {
      // A DOUBLE vector keeps its values in `items`, a Float64Array (private in the typings only).
      const items = (chunk.getColumnVector(k) as unknown as { items: Float64Array }).items;
      into[k].set(items.subarray(0, n), offset);
    }
    offset += n;
  }
  if (offset !== into[0].length) throw new Error(`Expected ${into[0].length} rows from DuckDB, got ${offset}.`);
}

// Whole type names: BIGINT[] is a list, not a number.
const NUMBER_TYPES = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(\d+, ?\d+\))?)$/;
const TIME_TYPES = /^(TIMESTAMP(_S|_MS|_NS| WITH TIME ZONE)?|DATE)$/;

/** A column DuckDB typed as something no bar field can hold (BOOLEAN, a struct, a list, ...) is named. */
function assertColumnType(field: MappedField, column: string, type: string, path: string): void {
  if (type === 'VARCHAR' || NUMBER_TYPES.test(type)) return;
  if (field === 'time') {
    if (TIME_TYPES.test(type)) return;
    throw new UserError(`Column "${column}" of ${path} is ${type}: a time must be a timestamp, a date, epoch seconds or milliseconds, or ISO-8601 text.`, { exitCode: 1, code: 'RRR_BAD_COLUMN_TYPE' });
  }
  const what = field === 'volume' ? 'a volume' : 'a price';
  throw new UserError(`Column "${column}" of ${path} is ${type}: ${what} must be a number (map another column with --${field}-column NAME).`, { exitCode: 1, code: 'RRR_BAD_COLUMN_TYPE' });
}


/** True when DuckDB typed every column as a number or a time (an all-empty column may stay text). */
async function loadTypedCsv(store: Store, raw: string, path: string, header: string): Promise<boolean> {
  try {
    await store.run(`CREATE TEMP TABLE ${raw} AS SELECT * FROM read_csv(?, header = ${header}, auto_detect = true)`, [path]);
  } catch {
    return false;
  }
  const columns = await store.rows(`SELECT column_name, column_type FROM (DESCRIBE ${raw})`);
  for (const c of columns) {
    if (NUMBER_TYPES.test(String(c.column_type)) || TIME_TYPES.test(String(c.column_type))) continue;
    const [present] = await store.rows(`SELECT count(${quote(String(c.column_name))}) AS k FROM ${raw} WHERE trim(${quote(String(c.column_name))}::VARCHAR) <> ''`);
    if (Number(present.k) > 0) {
      await store.run(`DROP TABLE ${raw}`);
      return false;
    }
  }
  return true;
}

async function loadRaw(store: Store, raw: string, select: string, params: string[], path: string): Promise<void> {
  try {
    await store.run(`CREATE TEMP TABLE ${raw} AS ${select}`, params);
  } catch (error) {
    const first = String((error as Error).message).split('\n')[0].replace(/\.$/, '');
    throw new UserError(`Cannot read ${path}: ${first}. Accepted are ${ACCEPTED_FILES} with columns time, open, high, low, close[, volume].`, { exitCode: 1, cause: error });
  }
}

/** A header is present unless every field of the first line reads as a number or a date. */
function csvHasHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(4096);
  const n = readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
  const firstLine = buffer.subarray(0, n).toString('utf8').split(/\r?\n/)[0] ?? '';
  const fields = firstLine.split(/[,;\t|]/).map((f) => f.trim().replace(/^"|"$/g, ''));
  return !fields.every((f) => f !== '' && (Number.isFinite(Number(f)) || Number.isFinite(Date.parse(f))));
}

const rowWord = (headerless: boolean, rowid: number) => `row ${rowid + 1} (line ${rowid + (headerless ? 1 : 2)})`;

async function timeExpression(store: Store, raw: string, column: string, type: string, unit: TimeUnit, path: string, headerless: boolean): Promise<string> {
  const col = quote(column);
  if (TIME_TYPES.test(type)) {
    const expr = `epoch_ms(CAST(${col} AS TIMESTAMP))`;
    await assertTimes(store, raw, col, expr, path, headerless);
    return expr;
  }
  const numericType = NUMBER_TYPES.test(type);
  let numeric = numericType;
  if (!numericType) {
    const [probe] = await store.rows(`SELECT count(*) FILTER (WHERE NOT regexp_full_match(trim(${col}), '-?[0-9]+(\\.[0-9]+)?')) AS bad, count(${col}) AS present FROM ${raw}`);
    numeric = Number(probe.bad) === 0 && Number(probe.present) > 0;
  }
  if (numeric) {
    const value = `TRY_CAST(${col} AS DOUBLE)`;
    const [stats] = await store.rows(`SELECT max(abs(${value})) FILTER (WHERE isfinite(${value})) AS m FROM ${raw}`);
    const max = Number(stats.m);
    // Epoch seconds reach 1e11 only in the year 5138, epoch ms only go below it before 1973.
    const resolved = unit !== 'auto' ? unit : max < 1e11 ? 's' : max < 1e14 ? 'ms' : undefined;
    if (!resolved) {
      throw new UserError(`The time column "${column}" of ${path} holds numbers up to ${max}, too large for epoch seconds or milliseconds: convert it, or give ISO-8601 times.`, { exitCode: 1 });
    }
    const expr = resolved === 's' ? `round(${value} * 1000)` : `round(${value})`;
    await assertTimes(store, raw, col, expr, path, headerless);
    return expr;
  }
  const expr = `epoch_ms(TRY_CAST(trim(${col}) AS TIMESTAMPTZ))`;
  await assertTimes(store, raw, col, expr, path, headerless);
  return expr;
}

/** Every row has a time: an empty or NULL one would otherwise be stored as 1970-01-01. */
async function assertTimes(store: Store, raw: string, col: string, expr: string, path: string, headerless: boolean): Promise<void> {
  const [bad] = await store.rows(`SELECT rowid, ${col}::VARCHAR AS value FROM ${raw} WHERE (${expr}) IS NULL OR NOT isfinite((${expr})::DOUBLE) ORDER BY rowid LIMIT 1`);
  if (!bad) return;
  const accepted = 'accepted are ISO-8601 times (2024-01-31T12:00:00Z), epoch seconds or epoch milliseconds';
  const where = `${rowWord(headerless, Number(bad.rowid))} of ${path}`;
  if (bad.value === null || String(bad.value).trim() === '') {
    throw new UserError(`The timestamp at ${where} is empty: every bar needs a time; ${accepted}.`, { exitCode: 1, code: 'RRR_BAD_TIMESTAMP' });
  }
  throw new UserError(`Cannot parse the timestamp "${String(bad.value)}" at ${where}: ${accepted}.`, { exitCode: 1, code: 'RRR_BAD_TIMESTAMP' });
}

async function assertNumbers(store: Store, raw: string, field: string, column: string, type: string, path: string, headerless: boolean): Promise<void> {
  const col = quote(column);
  const empty = type === 'VARCHAR' ? `${col} IS NULL OR trim(${col}) = ''` : `${col} IS NULL`;
  const unparseable = type === 'VARCHAR' ? `(trim(${col}) <> '' AND TRY_CAST(${col} AS DOUBLE) IS NULL)` : 'false';
  // An empty volume is allowed (some FX sources have none); an empty price is not.
  const where = field === 'volume' ? unparseable : `${empty} OR ${unparseable}`;
  const [bad] = await store.rows(`SELECT rowid, ${col}::VARCHAR AS value FROM ${raw} WHERE ${where} ORDER BY rowid LIMIT 1`);
  if (bad) {
    const shown = bad.value === null || String(bad.value).trim() === '' ? 'is empty' : `is "${String(bad.value)}", not a number`;
    throw new UserError(`The ${field} at ${rowWord(headerless, Number(bad.rowid))} of ${path} ${shown}: every ${field} must be a decimal number${field === 'volume' ? ' or empty' : ''}.`, { exitCode: 1, code: 'RRR_BAD_NUMBER' });
  }
}
