import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { allocateBars, type Bars } from './bars.js';
import { mapColumns, type ColumnMapping, type MappedField } from './columns.js';
import { quote, type Store } from './store.js';
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

/** Bars in file order (not yet sorted or checked), with each bar's 1-based data row in the file. */
export interface FileBars {
  bars: Bars;
  rows: Float64Array;
  hasVolume: boolean;
}

function assertReadable(path: string): void {
  if (!existsSync(path)) throw new UserError(`File not found: ${path}. Give the path of a ${ACCEPTED_FILES} file.`, { exitCode: 1 });
  if (statSync(path).isDirectory()) throw new UserError(`${path} is a directory: give the path of a ${ACCEPTED_FILES} file.`, { exitCode: 1 });
}

let tempCounter = 0;

/**
 * Reads a bar file through DuckDB (CSV, Parquet) or apache-arrow (Arrow IPC) into a temp table, maps its
 * columns, parses timestamps (ISO-8601, epoch s or ms, native timestamps) and numbers, and returns the bars.
 * A bad timestamp or number fails the whole file with its row and value.
 */
export async function readBarsFile(store: Store, path: string, options: ReadOptions = {}): Promise<FileBars> {
  assertReadable(path);
  const format = fileFormat(path);
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
    } else {
      const { arrowToRawTable } = await import('./arrow-reader.js');
      await arrowToRawTable(store, raw, path);
    }
    const described = await store.rows(`DESCRIBE ${raw}`);
    const columns = described.map((r) => String(r.column_name));
    const types = new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
    const mapped = mapColumns(columns, options, path, headerless);
    const timeSql = await timeExpression(store, raw, mapped.time!, types.get(mapped.time!)!, options.timeUnit ?? 'auto', path, headerless);
    for (const field of ['open', 'high', 'low', 'close', 'volume'] as const) {
      if (mapped[field] !== undefined) await assertNumbers(store, raw, field, mapped[field]!, types.get(mapped[field]!)!, path, headerless);
    }
    const num = (field: MappedField) => (mapped[field] === undefined ? `'NaN'::DOUBLE` : `coalesce(TRY_CAST(${quote(mapped[field]!)} AS DOUBLE), 'NaN'::DOUBLE)`);
    const sql = `SELECT (rowid + 1)::DOUBLE, (${timeSql})::DOUBLE, ${num('open')}, ${num('high')}, ${num('low')}, ${num('close')}, ${num('volume')} FROM ${raw} ORDER BY rowid`;
    let bars: Bars | undefined;
    let rows: Float64Array | undefined;
    await store.doubleColumns(sql, [], (n) => {
      bars = allocateBars(n);
      rows = new Float64Array(n);
      return [rows, bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume];
    });
    if (bars!.length === 0) throw new UserError(`${path} has no bars: it needs a header and at least one row of time, open, high, low, close[, volume].`, { exitCode: 1 });
    return { bars: bars!, rows: rows!, hasVolume: mapped.volume !== undefined };
  } finally {
    await store.run(`DROP TABLE IF EXISTS ${raw}`);
  }
}

const NUMERIC_OR_TIME = /^(TIMESTAMP|DATE|BIGINT|INTEGER|HUGEINT|UBIGINT|UINTEGER|DOUBLE|FLOAT|DECIMAL|SMALLINT|TINYINT)/;

/** True when DuckDB typed every column as a number or a time (an all-empty column may stay text). */
async function loadTypedCsv(store: Store, raw: string, path: string, header: string): Promise<boolean> {
  try {
    await store.run(`CREATE TEMP TABLE ${raw} AS SELECT * FROM read_csv(?, header = ${header}, auto_detect = true)`, [path]);
  } catch {
    return false;
  }
  const columns = await store.rows(`SELECT column_name, column_type, (SELECT count(*) FROM ${raw}) AS n FROM (DESCRIBE ${raw})`);
  for (const c of columns) {
    if (NUMERIC_OR_TIME.test(String(c.column_type))) continue;
    const [present] = await store.rows(`SELECT count(${quote(String(c.column_name))}) AS k FROM ${raw} WHERE trim(${quote(String(c.column_name))}) <> ''`);
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
    const first = String((error as Error).message).split('\n')[0];
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
  if (/^(TIMESTAMP|DATE)/.test(type)) return `epoch_ms(CAST(${col} AS TIMESTAMP))`;
  const numericType = /^(BIGINT|INTEGER|HUGEINT|UBIGINT|UINTEGER|DOUBLE|FLOAT|DECIMAL|SMALLINT)/.test(type);
  let numeric = numericType;
  if (!numericType) {
    const [probe] = await store.rows(`SELECT count(*) FILTER (WHERE NOT regexp_full_match(trim(${col}), '-?[0-9]+(\\.[0-9]+)?')) AS bad, count(${col}) AS present FROM ${raw}`);
    numeric = Number(probe.bad) === 0 && Number(probe.present) > 0;
  }
  if (numeric) {
    const value = `TRY_CAST(${col} AS DOUBLE)`;
    const [stats] = await store.rows(`SELECT max(abs(${value})) AS m FROM ${raw}`);
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

async function assertTimes(store: Store, raw: string, col: string, expr: string, path: string, headerless: boolean): Promise<void> {
  const [bad] = await store.rows(`SELECT rowid, ${col}::VARCHAR AS value FROM ${raw} WHERE (${expr}) IS NULL ORDER BY rowid LIMIT 1`);
  if (bad) {
    const shown = bad.value === null ? 'an empty value' : `"${String(bad.value)}"`;
    throw new UserError(`Cannot parse the timestamp ${shown} at ${rowWord(headerless, Number(bad.rowid))} of ${path}: accepted are ISO-8601 times (2024-01-31T12:00:00Z), epoch seconds or epoch milliseconds.`, { exitCode: 1, code: 'RRR_BAD_TIMESTAMP' });
  }
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
